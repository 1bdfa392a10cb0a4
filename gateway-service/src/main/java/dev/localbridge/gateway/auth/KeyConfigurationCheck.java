package dev.localbridge.gateway.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start a gateway that could not verify any token, with a message that says what to set, rather than
 * answering every caller 401.
 */
@ApplicationScoped
class KeyConfigurationCheck {

    void check(@Observes StartupEvent event, Config config) {
        boolean hasKey = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class).isPresent()
                || config.getOptionalValue("mp.jwt.verify.publickey", String.class).isPresent();
        if (!hasKey) {
            throw new IllegalStateException("No JWT verification key is configured: set MP_JWT_VERIFY_PUBLICKEY_LOCATION"
                    + " (a PEM file, a JWK set file or a JWKS URL) or AUTH0_DOMAIN, and MP_JWT_VERIFY_ISSUER");
        }
    }
}
