package dev.localbridge.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;

/** {@code TUNNEL_AUTH_USER_CLAIM}: the user id can come from another claim than {@code sub}. */
@QuarkusTest
@TestProfile(UserClaimTest.EmailClaim.class)
class UserClaimTest {

    @Test
    void takesTheUserIdFromTheConfiguredClaim() {
        String token = Jwt.subject("opaque-subject").claim("email", "ada@example.com")
                .issuer(dev.localbridge.gateway.testing.Tokens.ISSUER).expiresIn(Duration.ofMinutes(5)).sign();
        given().auth().oauth2(token).get("/api/tunnel/status").then().statusCode(200)
                .body("userId", equalTo("ada@example.com"));
    }

    @Test
    void refusesATokenWithoutThatClaim() {
        String token = Jwt.subject("opaque-subject").issuer(dev.localbridge.gateway.testing.Tokens.ISSUER)
                .expiresIn(Duration.ofMinutes(5)).sign();
        given().auth().oauth2(token).get("/api/tunnel/status").then().statusCode(401)
                .body("error.code", equalTo("AUTH_TOKEN_INVALID"));
    }

    /** User ids from {@code email}. */
    public static class EmailClaim implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tunnel.auth.user-claim", "email");
        }
    }
}
