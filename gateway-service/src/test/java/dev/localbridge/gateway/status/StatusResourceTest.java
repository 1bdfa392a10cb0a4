package dev.localbridge.gateway.status;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.gateway.testing.TunnelTestBase;
import io.quarkus.test.junit.QuarkusTest;

/** The caller's own tunnel status, health and figures; the replica's public health, which names no replica. */
@QuarkusTest
class StatusResourceTest extends TunnelTestBase {

    private static final String USER = "auth0|status";





    @Override
    protected String[] users() {
        return new String[] {USER};
    }

    @Test
    void statusShowsTheCallersOwnConnections() {
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.forUser(USER)).get("/api/tunnel/auth0%7Cstatus/api/tags").then().statusCode(200);
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.forUser(USER)).get("/api/tunnel/status")
                .then().statusCode(200)
                .body("userId", equalTo(USER))
                .body("connected", equalTo(true))
                .body("connections", hasSize(1))
                .body("connections[0].nodeId", equalTo("test-node"))
                .body("connections[0].requests", greaterThanOrEqualTo(1));
    }

    @Test
    void statusNeedsAToken() {
        given().get("/api/tunnel/status").then().statusCode(401).body("error.code", equalTo("AUTH_TOKEN_MISSING"));
    }

    @Test
    void userHealthIsOnlyForTheUserThemself() {
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.forUser(USER)).get("/api/tunnel/health/auth0%7Cstatus")
                .then().statusCode(200).body("status", equalTo("connected")).body("connections", equalTo(1));
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.forUser("someone-else")).get("/api/tunnel/health/auth0%7Cstatus")
                .then().statusCode(403).body("error.code", equalTo("TUNNEL_ACCESS_DENIED"));
    }

    @Test
    void metricsGiveOwnAndSystemFigures() {
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.forUser(USER)).get("/api/tunnel/auth0%7Cstatus/api/tags").then().statusCode(200);
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.forUser(USER)).get("/api/tunnel/metrics")
                .then().statusCode(200)
                .body("user.userId", equalTo(USER))
                .body("user.connections", equalTo(1))
                .body("user.requests", greaterThanOrEqualTo(1))
                .body("user.bytesFromAgent", greaterThanOrEqualTo(1))
                .body("system.nodeId", equalTo("test-node"))
                .body("system.tunnels", greaterThanOrEqualTo(1))
                .body("system.window.requests", greaterThanOrEqualTo(1))
                .body("user.remoteConnections", equalTo(0))
                .body("cluster.clustered", equalTo(false))
                .body("cluster.replicas", equalTo(1))
                .body("cluster.tunnels", greaterThanOrEqualTo(1));
    }

    @Test
    void replicaHealthNeedsNoTokenAndHasTheFourChecks() {
        given().get("/api/tunnel/health")
                .then().statusCode(200)
                .body("status", notNullValue())
                .body("checks.hasConnections", equalTo(true))
                .body("checks.successRateOk", notNullValue())
                .body("checks.timeoutRateOk", notNullValue())
                .body("checks.averageResponseTimeOk", notNullValue());
    }

    @Test
    void publicHealthNamesNoReplicaWhileTheManagementPortDoes() throws Exception {
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.forUser(USER)).get("/api/tunnel/auth0%7Cstatus/api/tags").then().statusCode(200);
        String body = given().get("/api/tunnel/health").then().statusCode(200)
                .body("tunnels", greaterThanOrEqualTo(1))
                .body("window.requests", greaterThanOrEqualTo(1))
                .extract().asString();
        // TUNNEL_NODE_ID is test-node here; unset, it is the host name
        String host = java.net.InetAddress.getLocalHost().getHostName();
        for (String secret : new String[] {"test-node", host, "nodeId", "127.0.0.1", "localhost", "http://",
                "Exception"}) {
            org.assertj.core.api.Assertions.assertThat(body).as("public health must not contain %s", secret)
                    .doesNotContain(secret);
        }
        // operators (and health-service) read the node id on the management port
        given().port(managementPort()).get("/q/localbridge").then().statusCode(200)
                .body("nodeId", equalTo("test-node"));
    }

    @Test
    void prometheusMetricsAreOnTheManagementPort() {
        given().urlEncodingEnabled(false).auth().oauth2(Tokens.forUser(USER)).get("/api/tunnel/auth0%7Cstatus/api/tags").then().statusCode(200);
        String metrics = given().port(managementPort()).get("/q/metrics").then().statusCode(200).extract().asString();
        org.assertj.core.api.Assertions.assertThat(metrics)
                .contains("localbridge_tunnels_open")
                .contains("localbridge_tunnel_connects_total")
                .contains("localbridge_requests_total{outcome=\"success\",result=\"ok\"}")
                .contains("localbridge_request_duration_seconds_bucket")
                .contains("localbridge_request_ttfb_seconds_bucket")
                .contains("localbridge_tunnel_bytes_total{direction=\"from_agent\"")
                .contains("localbridge_streams_in_flight");
    }

    private static int managementPort() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.management.test-port", Integer.class);
    }
}
