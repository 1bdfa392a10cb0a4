package dev.localbridge.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.net.ServerSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.gateway.testing.TunnelTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Every error of the table in docs/gateway.md ("Errors"), with its status, code and the JSON envelope. */
@QuarkusTest
class ProxyErrorsTest extends TunnelTestBase {

    private static final String USER = "errors-user";
    private static final String DOWN_USER = "target-down-user";

    @Override
    protected String[] users() {
        return new String[] {USER};
    }

    @BeforeAll
    void connectAgentOfAUserWhoseTargetIsDown() throws IOException {
        agents.connect(DOWN_USER, "http://127.0.0.1:" + closedPort());
    }

    @Test
    void missingTokenIs401WithChallenge() {
        envelope(given().get("/api/tunnel/" + USER + "/api/tags").then(), 401, "AUTH_TOKEN_MISSING")
                .header("WWW-Authenticate", containsString("Bearer"));
    }

    @Test
    void malformedTokenIs401() {
        envelope(given().auth().oauth2("not.a.jwt").get("/api/tunnel/" + USER + "/api/tags").then(), 401,
                "AUTH_TOKEN_INVALID");
    }

    @Test
    void tokenFromAnotherIssuerIs401() {
        envelope(given().auth().oauth2(Tokens.wrongIssuer(USER)).get("/api/tunnel/" + USER + "/api/tags").then(),
                401, "AUTH_TOKEN_INVALID");
    }

    @Test
    void expiredTokenIs401Expired() {
        envelope(given().auth().oauth2(Tokens.expired(USER)).get("/api/tunnel/" + USER + "/api/tags").then(), 401,
                "AUTH_TOKEN_EXPIRED");
    }

    @Test
    void anotherUsersTunnelIs403AndRevealsNothing() {
        int before = fake.started();
        envelope(given().auth().oauth2(Tokens.forUser("mallory")).get("/api/tunnel/" + USER + "/api/tags").then(),
                403, "TUNNEL_ACCESS_DENIED")
                .body("error.message", equalTo("This token may not use another user's tunnel"));
        assertThat(fake.started()).as("nothing reached the victim's local service").isEqualTo(before);
    }

    @Test
    void userWithoutTunnelIs503EvenWhenOthersAreConnected() {
        envelope(given().auth().oauth2(Tokens.forUser("nobody")).get("/api/tunnel/nobody/api/tags").then(), 503,
                "DESKTOP_CLIENT_DISCONNECTED");
    }

    @Test
    void declaredBodyOverTheLimitIs413() {
        byte[] body = new byte[8 * 1024 * 1024 + 1];
        envelope(given().auth().oauth2(Tokens.forUser(USER)).body(body).post("/api/tunnel/" + USER + "/upload")
                .then(), 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void unreachableLocalTargetIs502() {
        envelope(given().auth().oauth2(Tokens.forUser(DOWN_USER)).get("/api/tunnel/" + DOWN_USER + "/api/tags")
                .then(), 502, "UPSTREAM_UNAVAILABLE");
    }

    @Test
    void noResponseHeadWithinTheRouteTimeoutIs504AndCancelsUpstream() {
        int cancelledBefore = fake.cancelled();
        envelope(given().auth().oauth2(Tokens.forUser(USER)).get("/api/tunnel/" + USER + "/slow?delayMs=5000")
                .then(), 504, "REQUEST_TIMEOUT");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> fake.cancelled() > cancelledBefore);
    }

    @Test
    void reservedNamesAreNotUserIds() {
        given().get("/api/tunnel/health").then().statusCode(200).body("checks.hasConnections", equalTo(true));
    }

    private static ValidatableResponse envelope(ValidatableResponse response, int status, String code) {
        return response.statusCode(status)
                .contentType("application/json")
                .body("error.code", equalTo(code))
                .body("error.message", notNullValue())
                .body("error.requestId", notNullValue())
                .body("error.timestamp", notNullValue());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
