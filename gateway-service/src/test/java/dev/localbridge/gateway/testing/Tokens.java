package dev.localbridge.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Signs test JWTs with the private key in src/test/resources; the gateway under test trusts its public half
 * ({@code publicKey.pem}). Works with or without a running Quarkus (process tests use it too).
 */
public final class Tokens {

    public static final String ISSUER = "https://localbridge.test/";
    private static final PrivateKey KEY = privateKey("/privateKey.pem", "RSA");

    private Tokens() {
    }

    /** A valid token for {@code userId} for one hour. */
    public static String forUser(String userId) {
        return Jwt.subject(userId).issuer(ISSUER).expiresIn(Duration.ofHours(1)).sign(KEY);
    }

    /** A token for {@code userId} that expired ten minutes ago, well beyond the gateway's clock skew. */
    public static String expired(String userId) {
        Instant past = Instant.now().minusSeconds(3600);
        return Jwt.subject(userId).issuer(ISSUER).issuedAt(past).expiresAt(Instant.now().minusSeconds(600)).sign(KEY);
    }

    /** {@code claims} signed (RS256) with the key the test gateway trusts. */
    public static String sign(JwtClaimsBuilder claims) {
        return claims.sign(KEY);
    }

    /** A token from another issuer, which the gateway must refuse. */
    public static String wrongIssuer(String userId) {
        return Jwt.subject(userId).issuer("https://evil.example/").expiresIn(Duration.ofHours(1)).sign(KEY);
    }

    /** A PKCS#8 PEM private key from the test classpath; {@code algorithm} is the key's ({@code RSA}, {@code EC}). */
    public static PrivateKey privateKey(String resource, String algorithm) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pem(resource)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("test key unreadable: " + resource, e);
        }
    }

    /** An X.509 (SubjectPublicKeyInfo) PEM public key from the test classpath. */
    public static PublicKey publicKey(String resource, String algorithm) {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(pem(resource)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("test key unreadable: " + resource, e);
        }
    }

    private static byte[] pem(String resource) {
        try (InputStream in = Tokens.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test key " + resource);
            }
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
