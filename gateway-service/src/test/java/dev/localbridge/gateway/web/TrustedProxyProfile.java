package dev.localbridge.gateway.web;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The gateway behind an ingress on this host (127.0.0.0/8 and ::1 trusted), passing the local service's cookies and
 * without the proxied sandbox; no CORS origins, no HSTS.
 */
public class TrustedProxyProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "tunnel.trusted-proxies", "127.0.0.0/8, ::1",
                "tunnel.forward-set-cookie", "true",
                "tunnel.proxied-csp", "");
    }
}
