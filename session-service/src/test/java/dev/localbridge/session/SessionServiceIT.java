package dev.localbridge.session;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** The packaged jar, started as a process against the shared Redis (keys under a per-run prefix). */
@QuarkusIntegrationTest
@TestProfile(PackagedJarProfile.class)
class SessionServiceIT {

    @Test
    void packagedServiceIsReadyAndRegistersANode() {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> RestAssured.given()
                        .get("http://localhost:" + PackagedJarProfile.MANAGEMENT_PORT + "/q/health/ready")
                        .then().statusCode(200)
                        .body("checks[0].data.store", equalTo("redis")));

        String node = "it-" + UUID.randomUUID();
        given().filter(AsCluster.signing()).contentType("application/json")
                .body("{\"nodeId\":\"" + node + "\",\"relayAddress\":\"10.0.0.9:7000\","
                        + "\"managementAddress\":\"10.0.0.9:9000\"}")
                .post("/api/nodes").then().statusCode(200).body("nodeId", equalTo(node));
        given().filter(AsCluster.signing()).get("/api/nodes")
                .then().statusCode(200).body("nodeId", hasItem(node))
                .body("find { it.nodeId == '" + node + "' }.managementAddress", equalTo("10.0.0.9:9000"));
        given().filter(AsCluster.signing()).delete("/api/nodes/" + node)
                .then().statusCode(200);
    }

    @Test
    void packagedServiceExportsTheContractMetrics() {
        String node = "it-" + UUID.randomUUID();
        given().filter(AsCluster.signing()).contentType("application/json")
                .body("{\"nodeId\":\"" + node + "\",\"relayAddress\":\"10.0.0.9:7000\"}")
                .post("/api/nodes").then().statusCode(200);
        given().filter(AsCluster.signing()).queryParam("userId", "it-user")
                .get("/api/leases").then().statusCode(200);
        given().filter(AsCluster.signing()).delete("/api/nodes/" + node)
                .then().statusCode(200);

        RestAssured.given().get("http://localhost:" + PackagedJarProfile.MANAGEMENT_PORT + "/q/metrics")
                .then().statusCode(200)
                .body(containsString("localbridge_session_lease_operations_total{operation=\"lookup\",result=\"ok\""))
                .body(containsString("localbridge_session_store_errors_total{operation=\"node-register\""))
                .body(containsString("localbridge_memory_used_bytes "));
    }
}
