package dev.localbridge.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Keys from an identity provider's JWKS URL ({@link JwksResource}): the token's {@code kid} picks the key, any
 * asymmetric algorithm of the key's family verifies, and nothing symmetric does, even a key the JWKS publishes.
 */
@QuarkusTest
@TestProfile(JwksTest.ProviderKeys.class)
class JwksTest {

    static final String AUDIENCE = "https://api.localbridge.test";

    private static final PrivateKey RSA = Tokens.privateKey("/jwks/rsa-private.pem", "RSA");
    private static final PrivateKey EC = Tokens.privateKey("/jwks/ec-private.pem", "EC");
    private static final PrivateKey UNLISTED = Tokens.privateKey("/jwks/unlisted-private.pem", "RSA");

    @Test
    void verifiesATokenSignedWithEitherKeyOfTheSet() {
        accepted(claims("rsa-user").jws().keyId(JwksResource.RSA_KID).algorithm(SignatureAlgorithm.RS256).sign(RSA),
                "rsa-user");
        accepted(claims("ec-user").jws().keyId(JwksResource.EC_KID).algorithm(SignatureAlgorithm.ES256).sign(EC),
                "ec-user");
    }

    @Test
    void verifiesTheOtherAsymmetricAlgorithmsOfAKeysFamily() {
        accepted(claims("ps-user").jws().keyId(JwksResource.RSA_KID).algorithm(SignatureAlgorithm.PS256).sign(RSA),
                "ps-user");
        accepted(claims("rs512-user").jws().keyId(JwksResource.RSA_KID).algorithm(SignatureAlgorithm.RS512)
                .sign(RSA), "rs512-user");
    }

    @Test
    void refusesATokenWhoseKidIsNotInTheSet() {
        refused(claims("unknown-kid").jws().keyId("rsa-2").algorithm(SignatureAlgorithm.RS256).sign(UNLISTED));
    }

    @Test
    void refusesATokenSignedWithAnotherKeyThanItsKid() {
        refused(claims("wrong-key").jws().keyId(JwksResource.RSA_KID).algorithm(SignatureAlgorithm.RS256)
                .sign(UNLISTED));
    }

    @Test
    void refusesATokenWithoutKidWhenTheSetHasSeveralKeys() {
        refused(claims("no-kid").jws().algorithm(SignatureAlgorithm.RS256).sign(RSA));
    }

    @Test
    void refusesAnHmacTokenEvenWithAKeyTheSetPublishes() {
        refused(claims("hmac").jws().keyId(JwksResource.SHARED_KID).algorithm(SignatureAlgorithm.HS256)
                .sign(new SecretKeySpec(JwksResource.SHARED_SECRET, "HmacSHA256")));
    }

    private static JwtClaimsBuilder claims(String user) {
        return Jwt.subject(user).issuer(Tokens.ISSUER).audience(AUDIENCE).expiresIn(Duration.ofMinutes(5));
    }

    private static ValidatableResponse status(String token) {
        return given().auth().oauth2(token).get("/api/tunnel/status").then();
    }

    private static void accepted(String token, String user) {
        status(token).statusCode(200).body("userId", equalTo(user));
    }

    private static void refused(String token) {
        status(token).statusCode(401).body("error.code", equalTo("AUTH_TOKEN_INVALID"));
    }

    /** Keys from {@link JwksResource} only: the inline test key is unset ({@code NONE}, as smallrye-jwt reads it). */
    public static class ProviderKeys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.publickey", "NONE");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(JwksResource.class));
        }
    }
}
