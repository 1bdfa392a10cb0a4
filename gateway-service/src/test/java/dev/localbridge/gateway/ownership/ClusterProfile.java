package dev.localbridge.gateway.ownership;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The gateway clustered against a real session-service process ({@link SessionServiceResource}). */
public class ClusterProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SessionServiceResource.class));
    }
}
