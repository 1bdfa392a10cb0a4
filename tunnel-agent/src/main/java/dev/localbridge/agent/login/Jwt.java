package dev.localbridge.agent.login;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads the claims of a JWT without verifying its signature. The agent uses this only for tokens it has just received
 * from the provider's token endpoint over TLS, which OpenID Connect Core (section 3.1.3.7) accepts in place of a
 * signature check; the gateway verifies every token it is shown.
 */
final class Jwt {

    private Jwt() {
    }

    static Optional<JsonObject> claims(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
            return Optional.empty();
        }
    }
}
