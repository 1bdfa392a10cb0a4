package dev.localbridge.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import io.smallrye.jwt.build.Jwt;

/**
 * Signs test JWTs with the private key in src/test/resources; the gateway under test trusts its public half
 * ({@code publicKey.pem}). Works with or without a running Quarkus (process tests use it too).
 */
public final class Tokens {

    public static final String ISSUER = "https://localbridge.test/";
    private static final PrivateKey KEY = loadKey();

    private Tokens() {
    }

    /** A valid token for {@code userId} for one hour. */
    public static String forUser(String userId) {
        return Jwt.subject(userId).issuer(ISSUER).expiresIn(Duration.ofHours(1)).sign(KEY);
    }

    /** A token for {@code userId} that expired a minute ago. */
    public static String expired(String userId) {
        Instant past = Instant.now().minusSeconds(3600);
        return Jwt.subject(userId).issuer(ISSUER).issuedAt(past).expiresAt(Instant.now().minusSeconds(60)).sign(KEY);
    }

    /** A token from another issuer, which the gateway must refuse. */
    public static String wrongIssuer(String userId) {
        return Jwt.subject(userId).issuer("https://evil.example/").expiresIn(Duration.ofHours(1)).sign(KEY);
    }

    private static PrivateKey loadKey() {
        try (InputStream in = Tokens.class.getResourceAsStream("/privateKey.pem")) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(pem)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("test key unreadable", e);
        }
    }
}
