package dev.localbridge.gateway.web;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** CORS for two origins, HSTS on, one origin allowed to open agent WebSockets; no trusted proxy. */
public class BrowserProfile implements QuarkusTestProfile {

    static final String APP = "https://app.example";
    static final String CONSOLE = "https://console.example";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tunnel.cors-origins", APP + ",http://localhost:5173",
                "tunnel.cors-max-age", "120000",
                "tunnel.hsts-max-age", "31536000000",
                "tunnel.ws-allowed-origins", CONSOLE);
    }
}
