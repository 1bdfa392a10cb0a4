package dev.localbridge.session;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;

/**
 * Makes every RestAssured call of a test send JSON with the cluster credential, as a gateway does. Called from
 * {@code @BeforeEach}/{@code @AfterEach} methods rather than being a JUnit extension: the spec takes RestAssured's
 * port when built, and Quarkus sets that port after extensions of a test's superclass have run.
 */
final class AsCluster {

    private AsCluster() {
    }

    static void begin() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + RedisTestProfile.SECRET)
                .setContentType(ContentType.JSON).build();
    }

    static void end() {
        RestAssured.requestSpecification = null;
    }
}
