package dev.localbridge.session;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Every RestAssured call of the test sends JSON with the cluster credential, as a gateway does. */
class AsCluster implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + RedisTestProfile.SECRET)
                .setContentType(ContentType.JSON).build();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RestAssured.requestSpecification = null;
    }
}
