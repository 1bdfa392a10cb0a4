package dev.localbridge.session;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * For {@code @QuarkusIntegrationTest}: the launcher randomises the HTTP port only, so the management port is chosen
 * here, on a free port, instead of the default 9090 that a running service may hold.
 */
public class PackagedJarProfile extends RedisTestProfile {

    static final int MANAGEMENT_PORT = freePort();

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = super.getConfigOverrides();
        config.put("quarkus.management.port", Integer.toString(MANAGEMENT_PORT));
        return config;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
