package dev.localbridge.session;

import java.util.List;
import java.util.Map;

/** Redis store on a Redis of the test's own, so the test can take it away. */
public class OwnRedisProfile extends RedisTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = super.getConfigOverrides();
        config.put("tunnel.redis.timeout", "500");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OwnRedisServer.class));
    }
}
