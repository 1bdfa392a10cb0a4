package dev.localbridge.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** The packaged jar, started as a process. */
@QuarkusIntegrationTest
@TestProfile(PackagedJarProfile.class)
class HealthServiceIT {

    @Test
    void packagedServiceIsReadyAndAnswersTheTunnelHealth() {
        String management = "http://localhost:" + PackagedJarProfile.MANAGEMENT_PORT;
        given().get(management + "/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get(management + "/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/api/tunnel/health").then().statusCode(200).body("status", equalTo("healthy"))
                .body("sessionService.configured", equalTo(false));
        // the operator view and page, from the packaged application's class path
        given().get(management + "/q/cluster").then().statusCode(200).body("sessionService.configured", equalTo(false));
        given().get(management + "/q/status/status.js").then().statusCode(200);
    }
}
