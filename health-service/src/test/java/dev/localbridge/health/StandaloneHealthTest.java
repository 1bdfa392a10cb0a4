package dev.localbridge.health;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** No {@code TUNNEL_SESSION_URL}: healthy, saying that there is no cluster view; probes answer on the management port. */
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
                .body("checks.hasConnections", equalTo(false))
                .body("checks.successRateOk", equalTo(true))
                .body("checks.timeoutRateOk", equalTo(true))
                .body("checks.averageResponseTimeOk", equalTo(true))
                .body("sessionService.configured", equalTo(false))
                .body("sessionService.message", containsString("TUNNEL_SESSION_URL"))
                .body("connections", nullValue());
    }

    @Test
    void answersLivenessReadinessAndMetricsOnTheManagementPort() {
        given().get(live).then().statusCode(200).body("status", equalTo("UP"));
        given().get(ready).then().statusCode(200).body("status", equalTo("UP"));
        given().get(metrics).then().statusCode(200).body(containsString("jvm_"));
        given().get("/q/health/ready").then().statusCode(404);
    }

    @Test
    void servesTheStatusPageAndItsScript() {
        given().get("/").then().statusCode(200).body(containsString("<title>LocalBridge status</title>"));
        given().get("/status.js").then().statusCode(200).body(containsString("api/tunnel/history"));
        given().get("/api/tunnel/history").then().statusCode(200).body("intervalMs", equalTo(5000));
    }
}
