package dev.localbridge.session;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * With Redis gone, every API call that needs it answers 503 and its failed store call is counted by operation; a
 * failing lease operation is counted as {@code error}. Uses a Redis of its own, stopped and started again.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class RedisOutageMetricsTest {

    private static final String STORE_ERRORS = "localbridge_session_store_errors_total";
    private static final String LEASE_OPERATIONS = "localbridge_session_lease_operations_total";

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource("/")
    URI base;

    private RequestSpecification api() {
        return RestAssured.given().baseUri(base.toString()).contentType("application/json")
                .filter(AsCluster.signing());
    }

    private static void expectStoreUnavailable(Response response) {
        response.then().statusCode(503).body("error.code", equalTo("STORE_UNAVAILABLE"));
    }

    @Test
    void failedStoreCallsAreCountedByOperationWhileTheApiAnswers503() {
        await().atMost(Duration.ofSeconds(10)).until(() -> RestAssured.get(ready).statusCode() == 200);
        Scrape before = Scrape.of(metrics);

        OwnRedisServer.current.stopServer();
        try {
            expectStoreUnavailable(api().body(Map.of("nodeId", "n1", "relayAddress", "10.0.0.1:8082",
                    "managementAddress", "10.0.0.1:9000")).post("/api/nodes"));
            expectStoreUnavailable(api().get("/api/nodes"));
            expectStoreUnavailable(api().body(SessionApiBehaviour.acquireBody("u1", "c1", "n1")).post("/api/leases"));
            expectStoreUnavailable(api().body("{\"nodeId\":\"n1\",\"leases\":[{\"connectionId\":\"c1\",\"epoch\":0},"
                    + "{\"connectionId\":\"c2\",\"epoch\":0}]}").post("/api/leases/renew"));
            expectStoreUnavailable(api().body(Map.of("userId", "u1")).post("/api/ratelimit/tokens"));

            Scrape after = Scrape.of(metrics);
            for (String operation : new String[] {"node-register", "node-list", "lease-acquire", "lease-renew",
                    "ratelimit-grant"}) {
                assertThat(after.value(STORE_ERRORS, "operation", operation)
                        - before.value(STORE_ERRORS, "operation", operation)).as(operation).isEqualTo(1.0);
            }
            assertThat(delta(before, after, "acquire", "error")).isEqualTo(1.0);
            // a renew is one operation per lease of the batch
            assertThat(delta(before, after, "renew", "error")).isEqualTo(2.0);
            assertThat(delta(before, after, "acquire", "ok") + delta(before, after, "acquire", "refused"))
                    .isZero();

            // the expiry sweeper's calls fail as well, every interval
            await().atMost(Duration.ofSeconds(5)).until(() -> Scrape.of(metrics)
                    .value(STORE_ERRORS, "operation", "node-sweep") > before.value(STORE_ERRORS, "operation",
                            "node-sweep"));
        } finally {
            OwnRedisServer.current.startServer();
            await().atMost(Duration.ofSeconds(10)).until(() -> RestAssured.get(ready).statusCode() == 200);
        }
    }

    private static double delta(Scrape before, Scrape after, String operation, String result) {
        return after.value(LEASE_OPERATIONS, "operation", operation, "result", result)
                - before.value(LEASE_OPERATIONS, "operation", operation, "result", result);
    }
}
