package dev.localbridge.health;

import java.util.Map;

import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.LocalCluster;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The packaged services as separate processes (a Redis of the test's own, session-service; the test starts gateway
 * replicas and agents as it needs them) and a fake local Ollama; points health-service at them with a short poll.
 */
public class LiveCluster implements QuarkusTestResourceLifecycleManager {

    /** The running cluster, for the test to drive. */
    static LocalCluster cluster;
    static FakeOllama ollama;

    /** Poll interval of health-service in this test, ms. */
    static final long POLL_MS = 500;

    @Override
    public Map<String, String> start() {
        ollama = new FakeOllama().start();
        cluster = new LocalCluster().start();
        return Map.of("tunnel.session-url", cluster.sessionUrl(), "tunnel.cluster-secret", LocalCluster.SECRET,
                "tunnel.probe.interval", Long.toString(POLL_MS), "tunnel.probe.timeout", "1000");
    }

    @Override
    public void stop() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            ollama.stop();
        }
    }
}
