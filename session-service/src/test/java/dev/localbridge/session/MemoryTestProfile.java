package dev.localbridge.session;

import java.util.Map;

/** The same settings on the in-memory store. */
public class MemoryTestProfile extends RedisTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = super.getConfigOverrides();
        config.put("tunnel.session-store", "memory");
        // proves the memory store never touches Redis: nothing listens here
        config.put("quarkus.redis.hosts", "redis://127.0.0.1:1");
        return config;
    }
}
