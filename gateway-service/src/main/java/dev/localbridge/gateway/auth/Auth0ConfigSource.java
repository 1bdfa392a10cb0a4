package dev.localbridge.gateway.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The {@code AUTH0_DOMAIN} / {@code AUTH0_AUDIENCE} shortcut: turns them into the standard
 * {@code mp.jwt.verify.publickey.location} (the tenant's JWKS), {@code mp.jwt.verify.issuer} and
 * {@code mp.jwt.verify.audiences}. Its ordinal (220) is below {@code application.properties} and the environment, so an
 * explicit {@code MP_JWT_VERIFY_*} setting always wins.
 */
public class Auth0ConfigSource implements ConfigSource {

    private final Map<String, String> properties;

    public Auth0ConfigSource() {
        this(System.getenv());
    }

    Auth0ConfigSource(Map<String, String> env) {
        Map<String, String> derived = new HashMap<>();
        String domain = value(env, "AUTH0_DOMAIN");
        if (domain != null) {
            String host = domain.replaceFirst("^https?://", "").replaceAll("/+$", "");
            derived.put("mp.jwt.verify.publickey.location", "https://" + host + "/.well-known/jwks.json");
            derived.put("mp.jwt.verify.issuer", "https://" + host + "/");
        }
        String audience = value(env, "AUTH0_AUDIENCE");
        if (audience != null) {
            derived.put("mp.jwt.verify.audiences", audience);
        }
        this.properties = Map.copyOf(derived);
    }

    private static String value(Map<String, String> env, String name) {
        String v = System.getProperty(name, env.get(name));
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "auth0-shortcut";
    }

    @Override
    public int getOrdinal() {
        return 220;
    }
}
