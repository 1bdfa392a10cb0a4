package dev.localbridge.health;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/**
 * No {@code TUNNEL_SESSION_URL}: healthy, saying that there is no cluster view; probes, the operator view and the
 * status page answer on the management port only.
 */
@QuarkusTest
class StandaloneHealthTest {

    // relative to the management root path (/q)
    @TestHTTPResource(value = "health/live", management = true)
    URL live;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void reportsHealthyWithoutClusterViewWhenNoSessionServiceIsConfigured() {
        given().get("/api/tunnel/health").then().statusCode(200)
                .body("status", equalTo("healthy"))
                .body("reason", nullValue())
                .body("checks.hasConnections", equalTo(false))
                .body("checks.successRateOk", equalTo(true))
                .body("checks.timeoutRateOk", equalTo(true))
                .body("checks.averageResponseTimeOk", equalTo(true))
                .body("sessionService.configured", equalTo(false))
                .body("replicas.registered", equalTo(0))
                .body("connections", nullValue());
        given().get(Views.management("/q/cluster")).then().statusCode(200)
                .body("status", equalTo("healthy"))
                .body("sessionService.configured", equalTo(false))
                .body("sessionService.message", containsString("TUNNEL_SESSION_URL"));
        Views.assertPublicRevealsNoTopology();
    }

    @Test
    void operatorActionsSayThatThereIsNoSessionServiceToAsk() {
        given().post(Views.management("/q/users/someone/revoke")).then().statusCode(503)
                .body("error.code", equalTo("SESSION_SERVICE_NOT_CONFIGURED"));
        given().post(Views.management("/q/users/someone/tunnels/close")).then().statusCode(503);
    }

    @Test
    void answersLivenessReadinessAndMetricsOnTheManagementPort() {
        given().get(live).then().statusCode(200).body("status", equalTo("UP"));
        given().get(ready).then().statusCode(200).body("status", equalTo("UP"));
        given().get(metrics).then().statusCode(200).body(containsString("jvm_"));
        given().get("/q/health/ready").then().statusCode(404);
    }

    @Test
    void servesTheStatusPageAndTheClusterViewOnTheManagementPortOnly() {
        given().get(Views.management("/q/status/")).then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .body(containsString("<title>LocalBridge status</title>"));
        given().redirects().follow(false).get(Views.management("/q/status")).then().statusCode(302)
                .header("Location", "status/");
        given().get(Views.management("/q/status/status.js")).then().statusCode(200)
                .header("Content-Type", containsString("javascript")).body(containsString("../cluster/history"));
        given().get(Views.management("/q/status/status.css")).then().statusCode(200);
        given().get(Views.management("/q/status/../application.properties")).then().statusCode(404);
        given().get(Views.management("/q/status/index.html.bak")).then().statusCode(404);
        given().get(Views.management("/q/cluster/history")).then().statusCode(200).body("intervalMs", equalTo(5000));

        // the public port: no cluster view, no operator page (only a note saying where it is)
        for (String path : new String[] {"/q/cluster", "/q/cluster/history", "/q/status/", "/status.js",
                "/status.css"}) {
            given().get(path).then().statusCode(404);
        }
        given().get("/").then().statusCode(200).body(containsString("/q/status/"))
                .body(not(containsString("data-field")));
        given().get("/api/tunnel/history").then().statusCode(200).body("intervalMs", equalTo(5000));
    }
}
