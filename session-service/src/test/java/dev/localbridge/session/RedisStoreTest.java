package dev.localbridge.session;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** The API behaviour on the Redis store (the shared Redis, keys under a per-run prefix). */
@QuarkusTest
@TestProfile(RedisTestProfile.class)
class RedisStoreTest extends SessionApiBehaviour {

    @Inject
    ReactiveRedisDataSource redis;

    @ConfigProperty(name = "tunnel.redis.key-prefix")
    String prefix;

    @Test
    void nodeEntryWrittenBeforeManagementAddressExistedIsStillServed() {
        String node = id("old");
        String now = Long.toString(System.currentTimeMillis());
        String expiry = Long.toString(System.currentTimeMillis() + 60_000);
        // exactly the hash the previous node-register script wrote
        redis.execute("HSET", prefix + "node:" + node, "nodeId", node, "relayAddress", "10.0.0.8:8082",
                "registeredAt", now, "lastHeartbeat", now, "expiresAt", expiry).await().atMost(Duration.ofSeconds(5));
        redis.execute("ZADD", prefix + "nodes", expiry, node).await().atMost(Duration.ofSeconds(5));

        assertThat(listedNode(node)).containsEntry("relayAddress", "10.0.0.8:8082")
                .containsEntry("managementAddress", null);
        given().post("/api/nodes/" + node + "/heartbeat").then().statusCode(200)
                .body("relayAddress", equalTo("10.0.0.8:8082")).body("managementAddress", nullValue());

        // the gateway, upgraded, registers again with one
        given().body("{\"nodeId\":\"" + node + "\",\"relayAddress\":\"10.0.0.8:8082\","
                        + "\"managementAddress\":\"10.0.0.8:9000\"}")
                .post("/api/nodes").then().statusCode(200).body("registeredAt", equalTo(Long.parseLong(now)));
        assertThat(listedNode(node)).containsEntry("managementAddress", "10.0.0.8:9000");
        given().delete("/api/nodes/" + node).then().statusCode(200);
    }
}
