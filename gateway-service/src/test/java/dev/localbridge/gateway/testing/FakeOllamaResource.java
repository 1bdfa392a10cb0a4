package dev.localbridge.gateway.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a {@link FakeOllama} for a test class and injects it into its {@code FakeOllama} field. */
public class FakeOllamaResource implements QuarkusTestResourceLifecycleManager {

    private FakeOllama fake;

    @Override
    public Map<String, String> start() {
        fake = new FakeOllama().start();
        return Map.of();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(fake, new TestInjector.MatchesType(FakeOllama.class));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.stop();
        }
    }
}
