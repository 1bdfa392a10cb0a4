package dev.localbridge.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;

/** With an audience configured ({@code MP_JWT_VERIFY_AUDIENCES}), a token must name it in {@code aud}. */
@QuarkusTest
@TestProfile(AudienceTest.ApiAudience.class)
class AudienceTest {

    static final String AUDIENCE = "https://api.localbridge.test";

    @Test
    void acceptsATokenForThisApi() {
        String token = Tokens.sign(Jwt.subject("aud-right").issuer(Tokens.ISSUER).audience(AUDIENCE)
                .expiresIn(Duration.ofMinutes(5)));
        given().auth().oauth2(token).get("/api/tunnel/status").then().statusCode(200)
                .body("userId", equalTo("aud-right"));
    }

    @Test
    void acceptsATokenForThisApiAmongOthers() {
        String token = Tokens.sign(Jwt.subject("aud-among").issuer(Tokens.ISSUER)
                .audience(Set.of("https://other.example", AUDIENCE)).expiresIn(Duration.ofMinutes(5)));
        given().auth().oauth2(token).get("/api/tunnel/status").then().statusCode(200)
                .body("userId", equalTo("aud-among"));
    }

    @Test
    void refusesATokenForAnotherAudience() {
        String token = Tokens.sign(Jwt.subject("aud-wrong").issuer(Tokens.ISSUER).audience("https://other.example")
                .expiresIn(Duration.ofMinutes(5)));
        given().auth().oauth2(token).get("/api/tunnel/status").then().statusCode(401)
                .body("error.code", equalTo("AUTH_TOKEN_INVALID"));
    }

    @Test
    void refusesATokenWithoutAudience() {
        String token = Tokens.sign(Jwt.subject("aud-missing").issuer(Tokens.ISSUER).expiresIn(Duration.ofMinutes(5)));
        given().auth().oauth2(token).get("/api/tunnel/status").then().statusCode(401)
                .body("error.code", equalTo("AUTH_TOKEN_INVALID"));
    }

    /** The default test key and issuer, plus an audience. */
    public static class ApiAudience implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.jwt.verify.audiences", AUDIENCE);
        }
    }
}
