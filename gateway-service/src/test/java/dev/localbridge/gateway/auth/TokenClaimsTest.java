package dev.localbridge.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * The time claims and the signature of caller tokens, at {@code /api/tunnel/status} with the default test settings
 * (one RSA key, issuer {@link Tokens#ISSUER}, clock skew 60 s). Every check is made twice: the first answer comes from
 * the parser, the second from the gateway's token cache, and the two must agree.
 */
@QuarkusTest
class TokenClaimsTest {

    @Test
    void acceptsATokenThatExpiredWithinTheSkewOnEveryUse() {
        String token = Tokens.sign(claims("skew-50").expiresAt(now().minusSeconds(50)));
        status(token).statusCode(200).body("userId", equalTo("skew-50"));
        status(token).statusCode(200).body("userId", equalTo("skew-50"));
    }

    @Test
    void refusesATokenThatExpiredBeyondTheSkewOnEveryUse() {
        String token = Tokens.sign(claims("skew-70").expiresAt(now().minusSeconds(70)));
        refused(token, "AUTH_TOKEN_EXPIRED");
        refused(token, "AUTH_TOKEN_EXPIRED");
    }

    @Test
    void refusesATokenIssuedBeyondTheSkewInTheFuture() {
        String token = Tokens.sign(claims("iat-ahead").issuedAt(now().plusSeconds(120))
                .expiresAt(now().plusSeconds(3600)));
        refused(token, "AUTH_TOKEN_INVALID");
        refused(token, "AUTH_TOKEN_INVALID");
    }

    @Test
    void acceptsATokenIssuedWithinTheSkewInTheFuture() {
        String token = Tokens.sign(claims("iat-slightly-ahead").issuedAt(now().plusSeconds(30))
                .expiresAt(now().plusSeconds(3600)));
        status(token).statusCode(200).body("userId", equalTo("iat-slightly-ahead"));
    }

    @Test
    void refusesATokenNotValidBeforeATimeBeyondTheSkew() {
        String token = Tokens.sign(claims("nbf-ahead").claim("nbf", now().plusSeconds(120).getEpochSecond())
                .expiresAt(now().plusSeconds(3600)));
        refused(token, "AUTH_TOKEN_INVALID");
        refused(token, "AUTH_TOKEN_INVALID");
    }

    @Test
    void refusesAnUnsignedToken() {
        String claims = "{\"sub\":\"unsigned\",\"iss\":\"" + Tokens.ISSUER + "\",\"iat\":" + now().getEpochSecond()
                + ",\"exp\":" + now().plusSeconds(3600).getEpochSecond() + "}";
        String token = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + base64Url(claims) + ".";
        refused(token, "AUTH_TOKEN_INVALID");
        refused(token, "AUTH_TOKEN_INVALID");
    }

    @Test
    void refusesATokenFromAnotherIssuer() {
        String token = Tokens.wrongIssuer("other-issuer");
        refused(token, "AUTH_TOKEN_INVALID");
        refused(token, "AUTH_TOKEN_INVALID");
    }

    private static JwtClaimsBuilder claims(String user) {
        return Jwt.subject(user).issuer(Tokens.ISSUER).issuedAt(now().minusSeconds(3600));
    }

    private static Instant now() {
        return Instant.now();
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ValidatableResponse status(String token) {
        return given().auth().oauth2(token).get("/api/tunnel/status").then();
    }

    private static void refused(String token, String code) {
        status(token).statusCode(401).body("error.code", equalTo(code));
    }
}
