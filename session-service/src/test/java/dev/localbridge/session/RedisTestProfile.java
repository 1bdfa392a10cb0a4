package dev.localbridge.session;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Redis store on the shared Redis, keys isolated by a per-run prefix, short TTLs so expiry tests are quick. */
public class RedisTestProfile implements QuarkusTestProfile {

    static final String SECRET = "test-cluster-secret";
    static final int MAX_CONNECTIONS = 5;
    static final int RATE_LIMIT = 1000;
    static final int MAX_KEYS = 4;
    /** Short enough for quick expiry tests, long enough for a node to outlive a test on a loaded 2-core machine. */
    static final long NODE_TTL_MS = 4000;
    static final long LEASE_TTL_MS = 2000;

    private final String prefix = "lbtest:" + UUID.randomUUID() + ":";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("tunnel.session-store", "redis");
        config.put("tunnel.redis.key-prefix", prefix);
        config.put("tunnel.cluster-secret", SECRET);
        config.put("tunnel.max-connections-per-user", Integer.toString(MAX_CONNECTIONS));
        config.put("tunnel.max-keys-per-user", Integer.toString(MAX_KEYS));
        config.put("tunnel.rate-limit.max-requests", Integer.toString(RATE_LIMIT));
        config.put("tunnel.lease.ttl", Long.toString(LEASE_TTL_MS));
        config.put("tunnel.node.ttl", Long.toString(NODE_TTL_MS));
        config.put("tunnel.sweep.interval", "200");
        config.put("tunnel.events.ping-interval", "1000");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RedisKeyCleanup.class, Map.of("prefix", prefix)));
    }
}
