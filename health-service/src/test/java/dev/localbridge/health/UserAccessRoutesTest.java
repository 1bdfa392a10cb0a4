package dev.localbridge.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The operator revokes a user and closes their tunnels through health-service's management port, which passes the
 * call, signed, to a real session-service (the packaged jar, with its own Redis) and returns its answer.
 */
@QuarkusTest
@TestProfile(UserAccessRoutesTest.WithLiveCluster.class)
class UserAccessRoutesTest {

    public static class WithLiveCluster implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LiveCluster.class));
        }
    }

    private static final String USER = "auth0|operator-test";
    /** How an operator's curl writes it in the URL. */
    private static final String ENCODED = "auth0%7Coperator-test";

    @Test
    void revokingAUserSetsTheirNotBeforeInSessionService() throws Exception {
        long before = System.currentTimeMillis();
        long notBefore = given().urlEncodingEnabled(false).post(Views.management("/q/users/" + ENCODED + "/revoke"))
                .then().statusCode(200).body("userId", equalTo(USER)).extract().jsonPath().getLong("notBefore");
        assertThat(notBefore).isBetween(before - 2000, System.currentTimeMillis() + 2000);

        HttpResponse<String> revocations = LiveCluster.cluster.session("GET", "/api/revocations", null);
        assertThat(revocations.statusCode()).isEqualTo(200);
        assertThat(JsonPath.from(revocations.body()).getLong("revocations.find { it.userId == '" + USER
                + "' }.notBefore")).isEqualTo(notBefore);
    }

    @Test
    void closingAUsersTunnelsIsAnnouncedBySessionService() {
        given().urlEncodingEnabled(false).post(Views.management("/q/users/" + ENCODED + "/tunnels/close"))
                .then().statusCode(202).body("userId", equalTo(USER)).body("at", notNullValue());
    }

    @Test
    void aRequestFromAWebPageIsRefused() throws Exception {
        String victim = "auth0|browser-victim";
        given().header("Origin", "http://evil.example").urlEncodingEnabled(false)
                .post(Views.management("/q/users/auth0%7Cbrowser-victim/revoke"))
                .then().statusCode(403).body("error.code", equalTo("BROWSER_REQUEST_REFUSED"));
        given().header("Origin", "http://localhost:9091").urlEncodingEnabled(false)
                .post(Views.management("/q/users/auth0%7Cbrowser-victim/tunnels/close")).then().statusCode(403);
        assertThat(LiveCluster.cluster.session("GET", "/api/revocations", null).body()).doesNotContain(victim);
    }

    @Test
    void theActionsAreNotOnThePublicPort() {
        given().urlEncodingEnabled(false).post("/q/users/" + ENCODED + "/revoke").then().statusCode(404);
        given().urlEncodingEnabled(false).post("/api/users/" + ENCODED + "/revocation").then().statusCode(404);
    }
}
