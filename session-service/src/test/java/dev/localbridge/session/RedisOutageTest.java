package dev.localbridge.session;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

/** Readiness follows Redis: DOWN while it is gone (fast, never hanging), UP again and fully working when it is back. */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class RedisOutageTest {

    // relative to the management root path (/q)
    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "health/live", management = true)
    URL live;

    @TestHTTPResource("/")
    URI base;

    private int readiness() {
        return RestAssured.given().get(ready).statusCode();
    }

    @Test
    void readinessIsDownWhileRedisIsUnreachableAndTheServiceRecoversWhenItReturns() {
        await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        given().get(ready).then().body("checks[0].name", equalTo("session-store"));

        OwnRedisServer.current.stopServer();

        await().atMost(Duration.ofSeconds(5)).until(() -> readiness() == 503);
        given().get(ready).then().time(lessThan(3000L)).body("checks[0].data.store", equalTo("redis"));
        given().get(live).then().statusCode(200);
        given().filter(AsCluster.signing()).get(base.resolve("/api/nodes"))
                .then().time(lessThan(3000L)).statusCode(503).body("error.code", equalTo("STORE_UNAVAILABLE"));

        OwnRedisServer.current.startServer();

        await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        // a fresh Redis has no scripts cached and no data: the API works again without a restart
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given()
                .filter(AsCluster.signing()).contentType("application/json")
                .body("{\"nodeId\":\"n1\",\"relayAddress\":\"n1:7000\"}").post(base.resolve("/api/nodes"))
                .then().statusCode(200));
        // and the change feed subscription is re-established
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(ready).then()
                .body("checks[0].data.changeFeedSubscribed", equalTo(true)));
        try (SseClient feed = new SseClient(base.resolve("/api/events"))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"subscribed\""));
            given().filter(AsCluster.signing()).delete(base.resolve("/api/nodes/n1"))
                    .then().statusCode(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"node-gone\"", "n1", "deregistered"));
        }
    }
}
