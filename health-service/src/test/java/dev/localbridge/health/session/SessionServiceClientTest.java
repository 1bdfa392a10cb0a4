package dev.localbridge.health.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.localbridge.health.HealthConfig;

/** health-service does not call session-service unsigned unless told it is a development setup. */
class SessionServiceClientTest {

    @Test
    void refusesToStartWithASessionUrlButNoClusterSecret() {
        assertThatThrownBy(() -> new SessionServiceClient(config(Map.of(
                "sessionUrl", Optional.of("http://session-service:8090"), "clusterSecret", Optional.of(" "))),
                new ObjectMapper(), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TUNNEL_CLUSTER_SECRET");
    }

    @Test
    void startsWithoutASecretOnlyWhenExplicitlyInsecureOrStandalone() {
        assertThat(new SessionServiceClient(config(Map.of("sessionUrl", Optional.of("http://session-service:8090"),
                "insecureNoClusterSecret", true)), new ObjectMapper(), null).baseUrl()).isPresent();
        assertThat(new SessionServiceClient(config(Map.of()), new ObjectMapper(), null).baseUrl()).isEmpty();
    }

    private static HealthConfig config(Map<String, Object> values) {
        HealthConfig.Probe probe = (HealthConfig.Probe) Proxy.newProxyInstance(HealthConfig.class.getClassLoader(),
                new Class<?>[] {HealthConfig.Probe.class}, (p, method, args) -> 1000L);
        return (HealthConfig) Proxy.newProxyInstance(HealthConfig.class.getClassLoader(),
                new Class<?>[] {HealthConfig.class}, (p, method, args) -> switch (method.getName()) {
                    case "probe" -> probe;
                    case "insecureNoClusterSecret" -> values.getOrDefault("insecureNoClusterSecret", false);
                    default -> values.getOrDefault(method.getName(), Optional.empty());
                });
    }
}
