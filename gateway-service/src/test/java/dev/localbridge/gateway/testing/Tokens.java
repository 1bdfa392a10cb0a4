package dev.localbridge.gateway.testing;

import java.time.Duration;
import java.time.Instant;

import io.smallrye.jwt.build.Jwt;

/** Signs test JWTs with the key pair in src/test/resources (the gateway's %test profile trusts its public half). */
public final class Tokens {

    public static final String ISSUER = "https://localbridge.test/";

    private Tokens() {
    }

    /** A valid token for {@code userId} for one hour. */
    public static String forUser(String userId) {
        return Jwt.subject(userId).issuer(ISSUER).expiresIn(Duration.ofHours(1)).sign();
    }

    /** A token for {@code userId} that expired a minute ago. */
    public static String expired(String userId) {
        Instant past = Instant.now().minusSeconds(3600);
        return Jwt.subject(userId).issuer(ISSUER).issuedAt(past).expiresAt(Instant.now().minusSeconds(60)).sign();
    }

    /** A token from another issuer, which the gateway must refuse. */
    public static String wrongIssuer(String userId) {
        return Jwt.subject(userId).issuer("https://evil.example/").expiresIn(Duration.ofHours(1)).sign();
    }
}
