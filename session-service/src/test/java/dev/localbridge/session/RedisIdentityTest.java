package dev.localbridge.session;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Arrays;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation and access keys on the Redis store (the shared Redis, keys under a per-run prefix), plus what only
 * Redis shows: the layout, the expiry set on the key's entries, and the not-before never moving back.
 */
@QuarkusTest
@TestProfile(RedisTestProfile.class)
class RedisIdentityTest extends IdentityBehaviour {

    @Inject
    ReactiveRedisDataSource redis;

    @ConfigProperty(name = "tunnel.redis.key-prefix")
    String prefix;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    private Response redis(String... command) {
        return redis.execute(command[0], Arrays.copyOfRange(command, 1, command.length))
                .await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void aLaterNotBeforeIsKeptWhenRevokedAgain() {
        String user = user("future");
        long later = System.currentTimeMillis() + 3_600_000;
        redis("HSET", prefix + "revoked", user, Long.toString(later));
        assertThat(revoke(user)).isEqualTo(later);
        assertThat(redis("HGET", prefix + "revoked", user).toLong()).isEqualTo(later);
    }

    @Test
    void aKeyIsThreeEntriesWithTheKeysExpiryAndRevokingRemovesAllThree() {
        String user = user("layout");
        String hash = keyHash();
        long expiresAt = System.currentTimeMillis() + 600_000;
        String id = createKey(user, "{\"name\":\"ci\",\"keyHash\":\"" + hash + "\",\"expiresAt\":" + expiresAt + "}")
                .getString("id");
        String record = prefix + "key:" + id;
        String byHash = prefix + "keyhash:" + hash;
        String index = prefix + "user:" + user + ":keys";
        assertThat(redis("HGET", record, "keyHash").toString()).isEqualTo(hash);
        assertThat(redis("GET", byHash).toString()).isEqualTo(id);
        assertThat(redis("HGET", index, "ci").toString()).isEqualTo(id);
        assertThat(redis("PEXPIRETIME", record).toLong()).isEqualTo(expiresAt);
        assertThat(redis("PEXPIRETIME", byHash).toLong()).isEqualTo(expiresAt);

        given().delete(path(user) + "/keys/" + id).then().statusCode(204);
        assertThat(redis("EXISTS", record, byHash, index).toInteger()).isZero();
    }

    @Test
    void revocationsAndKeysAreCounted() {
        Scrape before = Scrape.of(metrics);
        assertThat(before.has("localbridge_session_revocations_total")).isTrue();
        assertThat(before.has("localbridge_session_keys_created_total")).isTrue();
        assertThat(before.has("localbridge_session_keys_revoked_total")).isTrue();
        String user = user("counted");
        revoke(user);
        String id = createKey(user, keyBody("counted", keyHash())).getString("id");
        given().body(keyBody("counted", keyHash())).post(path(user) + "/keys").then().statusCode(409);
        given().delete(path(user) + "/keys/" + id).then().statusCode(204);
        given().delete(path(user) + "/keys/" + id).then().statusCode(404);

        Scrape after = Scrape.of(metrics);
        for (String counter : new String[] {"revocations", "keys_created", "keys_revoked"}) {
            String name = "localbridge_session_" + counter + "_total";
            assertThat(after.value(name) - before.value(name)).as(name).isEqualTo(1.0);
        }
    }
}
