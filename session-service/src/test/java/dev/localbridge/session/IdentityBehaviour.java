package dev.localbridge.session;

import dev.localbridge.protocol.cluster.ClusterSignature;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/**
 * Revocation and access keys through the REST API, run once per store ({@link RedisIdentityTest},
 * {@link MemoryIdentityTest}). User ids are random per test and carry a '|' as identity providers' ids do.
 */
abstract class IdentityBehaviour {

    @TestHTTPResource("/")
    URI base;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void asCluster() {
        AsCluster.begin();
    }

    @AfterEach
    void reset() {
        AsCluster.end();
    }

    String user(String name) {
        return "auth0|" + name + "-" + run;
    }

    /** The user's path for RestAssured, which encodes it ('|' as %7C) itself. */
    static String path(String userId) {
        return "/api/users/" + userId;
    }

    /** The user's path, encoded, for the JDK's client. */
    static String encodedPath(String userId) {
        return "/api/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8);
    }

    /** A fresh key's hash, as the gateway makes it: SHA-256 of {@code lbk_…}. */
    static String keyHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("lbk_" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String keyBody(String name, String hash) {
        return "{\"name\":\"" + name + "\",\"keyHash\":\"" + hash + "\"}";
    }

    JsonPath createKey(String user, String body) {
        return given().body(body).post(path(user) + "/keys").then().log().ifValidationFails().statusCode(201)
                .extract().jsonPath();
    }

    long revoke(String user) {
        return given().body("{}").put(path(user) + "/revocation").then().statusCode(200)
                .body("userId", equalTo(user)).extract().jsonPath().getLong("notBefore");
    }

    Long listedNotBefore(String user) {
        Number notBefore = given().get("/api/revocations").then().statusCode(200).extract().jsonPath()
                .get("revocations.find { it.userId == '" + user + "' }.notBefore");
        return notBefore == null ? null : notBefore.longValue();
    }

    @Test
    void revocationSetsNotBeforeToNowAndNeverMovesItBack() {
        String user = user("revoked");
        long before = System.currentTimeMillis();
        long first = revoke(user);
        assertThat(first).isBetween(before - 2000, System.currentTimeMillis() + 2000);
        assertThat(listedNotBefore(user)).isEqualTo(first);

        long second = revoke(user);
        assertThat(second).isGreaterThanOrEqualTo(first);
        assertThat(listedNotBefore(user)).isEqualTo(second);
        assertThat(listedNotBefore(user("never-revoked"))).isNull();
    }

    @Test
    void aUserIdWithAControlCharacterIsRefusedBeforeItCanForgeALogLine() {
        given().urlEncodingEnabled(false).body("{}").put("/api/users/forged%0AINFO%20line/revocation").then()
                .statusCode(400).body("error.message", containsString("userId"));
        given().urlEncodingEnabled(false).body(keyBody("x", keyHash())).post("/api/users/a%0Db/keys").then()
                .statusCode(400).body("error.message", containsString("userId"));
    }

    @Test
    void revocationAndClosedTunnelsReachTheChangeFeed() {
        String user = user("feed");
        try (SseClient feed = new SseClient(base.resolve("/api/events"))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"subscribed\""));
            long notBefore = revoke(user);
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"user-revoked\"",
                    "\"userId\":\"" + user + "\"", "\"at\":" + notBefore));

            long at = given().body("{}").post(path(user) + "/tunnels/close").then().statusCode(202)
                    .body("userId", equalTo(user)).extract().jsonPath().getLong("at");
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"tunnels-closed\"",
                    "\"userId\":\"" + user + "\"", "\"reason\":\"user\"", "\"at\":" + at));
        }
    }

    @Test
    void keyIsCreatedListedFoundByItsHashUsedAndRevokedEverywhere() {
        String user = user("keys");
        String hash = keyHash();
        long expiresAt = System.currentTimeMillis() + 3_600_000;
        JsonPath created = createKey(user, "{\"name\":\"open-webui\",\"keyHash\":\"" + hash + "\",\"expiresAt\":"
                + expiresAt + ",\"methods\":[\"get\",\"POST\",\"GET\"],\"pathPrefixes\":[\"/api/tags\"]}");
        String id = created.getString("id");
        assertThat(id).matches("[a-z0-9]{20}");
        assertThat(created.getMap("$")).containsOnlyKeys("id", "userId", "name", "createdAt", "expiresAt",
                "lastUsedAt", "methods", "pathPrefixes");
        assertThat(created.getString("userId")).isEqualTo(user);
        assertThat(created.getString("name")).isEqualTo("open-webui");
        assertThat(created.getLong("createdAt")).isCloseTo(System.currentTimeMillis(),
                within(5000L));
        assertThat(created.getLong("expiresAt")).isEqualTo(expiresAt);
        assertThat(created.getString("lastUsedAt")).isNull();
        assertThat(created.getList("methods", String.class)).containsExactly("GET", "POST");
        assertThat(created.getList("pathPrefixes", String.class)).containsExactly("/api/tags");

        given().get(path(user) + "/keys").then().statusCode(200).body("keys.id", contains(id))
                .body("keys[0].name", equalTo("open-webui")).body("keys[0]", not(hasKey("keyHash")));
        given().get("/api/keys/by-hash/" + hash).then().statusCode(200).body("id", equalTo(id))
                .body("userId", equalTo(user)).body("methods", contains("GET", "POST"));

        // lastUsedAt only moves forward
        given().body(Map.of("used", List.of(Map.of("keyId", id, "at", 2000)))).post("/api/keys/usage")
                .then().statusCode(204);
        given().body(Map.of("used", List.of(Map.of("keyId", id, "at", 1000),
                Map.of("keyId", "unknownkeyid00000000", "at", 3000)))).post("/api/keys/usage").then().statusCode(204);
        given().get("/api/keys/by-hash/" + hash).then().body("lastUsedAt", equalTo(2000));

        // another user cannot revoke it
        given().delete(path(user("other")) + "/keys/" + id).then().statusCode(404)
                .body("error.code", equalTo("KEY_NOT_FOUND"));
        try (SseClient feed = new SseClient(base.resolve("/api/events"))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"subscribed\""));
            given().delete(path(user) + "/keys/" + id).then().statusCode(204);
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"key-revoked\"",
                    "\"userId\":\"" + user + "\"", "\"keyId\":\"" + id + "\""));
        }
        given().get("/api/keys/by-hash/" + hash).then().statusCode(404).body("error.code", equalTo("KEY_NOT_FOUND"));
        given().get(path(user) + "/keys").then().statusCode(200).body("keys", empty());
        given().delete(path(user) + "/keys/" + id).then().statusCode(404);
        // the name is free again
        createKey(user, keyBody("open-webui", keyHash()));
    }

    @Test
    void aKeyWithoutExpiryOrRestrictionsCarriesNulls() {
        JsonPath created = createKey(user("plain"), keyBody("ci", keyHash()));
        assertThat(created.getString("expiresAt")).isNull();
        assertThat(created.getString("methods")).isNull();
        assertThat(created.getString("pathPrefixes")).isNull();
        given().get(path(user("plain")) + "/keys").then().body("keys[0].methods", nullValue())
                .body("keys[0].expiresAt", nullValue());
    }

    @Test
    void twoCreatesWithTheSameNameAtOnceGiveOneKey() throws Exception {
        for (int round = 0; round < 5; round++) {
            String user = user("race" + round);
            List<Integer> statuses = concurrently(2, i -> post(encodedPath(user) + "/keys", keyBody("same", keyHash())));
            assertThat(statuses).containsExactlyInAnyOrder(201, 409);
            given().get(path(user) + "/keys").then().body("keys.name", contains("same"));
        }
    }

    @Test
    void theLimitHoldsUnderConcurrentCreates() throws Exception {
        String user = user("limit");
        int attempts = RedisTestProfile.MAX_KEYS + 6;
        List<Integer> statuses = concurrently(attempts, i -> post(encodedPath(user) + "/keys", keyBody("k" + i, keyHash())));
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(RedisTestProfile.MAX_KEYS);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(attempts - RedisTestProfile.MAX_KEYS);
        given().body(keyBody("one-more", keyHash())).post(path(user) + "/keys").then().statusCode(409)
                .body("error.code", equalTo("TOO_MANY_KEYS"));

        String id = given().get(path(user) + "/keys").then().extract().jsonPath().getString("keys[0].id");
        given().delete(path(user) + "/keys/" + id).then().statusCode(204);
        createKey(user, keyBody("one-more", keyHash()));
    }

    @Test
    void anExpiredKeyIsNeverReturnedAndFreesItsNameAndSlot() {
        String user = user("expiry");
        String hash = keyHash();
        long expiresAt = System.currentTimeMillis() + 1500;
        createKey(user, "{\"name\":\"short\",\"keyHash\":\"" + hash + "\",\"expiresAt\":" + expiresAt + "}");
        given().get("/api/keys/by-hash/" + hash).then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/keys/by-hash/" + hash).statusCode() == 404);
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(expiresAt - 50);
        given().get(path(user) + "/keys").then().statusCode(200).body("keys", empty());
        for (int i = 0; i < RedisTestProfile.MAX_KEYS; i++) {
            createKey(user, keyBody(i == 0 ? "short" : "k" + i, keyHash()));
        }

        given().body("{\"name\":\"past\",\"keyHash\":\"" + keyHash() + "\",\"expiresAt\":"
                        + (System.currentTimeMillis() - 1000) + "}")
                .post(path(user("past")) + "/keys").then().statusCode(400)
                .body("error.message", containsString("expiresAt"));
    }

    @Test
    void badKeyRequestsAreRefusedNamingTheField() {
        String keys = path(user("bad")) + "/keys";
        String hash = keyHash();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash.toUpperCase() + "\"}", "keyHash");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash.substring(1) + "\"}", "keyHash");
        bad.put("{\"name\":\"x\"}", "keyHash");
        bad.put("{\"keyHash\":\"" + hash + "\"}", "name");
        bad.put(keyBody("a b", hash), "name");
        bad.put(keyBody("ü", hash), "name");
        bad.put(keyBody("x".repeat(65), hash), "name");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"methods\":[]}", "methods");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"methods\":[\"GE T\"]}", "methods");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"methods\":[\"GET\\r\\n\"]}", "methods");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"methods\":" + list(21, "M") + "}", "methods");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"pathPrefixes\":[\"api/tags\"]}", "pathPrefixes");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"pathPrefixes\":[]}", "pathPrefixes");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"pathPrefixes\":[\"/a b\"]}", "pathPrefixes");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"pathPrefixes\":" + list(21, "/p") + "}",
                "pathPrefixes");
        bad.put("{\"name\":\"x\",\"keyHash\":\"" + hash + "\",\"expiresAt\":-5}", "expiresAt");
        bad.forEach((body, field) -> given().body(body).post(keys).then().statusCode(400)
                .body("error.code", equalTo("BAD_REQUEST")).body("error.message", containsString(field)));
        given().get(keys).then().body("keys", empty());

        createKey(user("bad"), "{\"name\":\"A.z_0-9\",\"keyHash\":\"" + hash + "\",\"methods\":" + list(20, "M")
                + ",\"pathPrefixes\":" + list(20, "/p") + "}");
        given().get("/api/keys/by-hash/not-a-hash").then().statusCode(400).body("error.message",
                containsString("keyHash"));
        given().body(Map.of("used", List.of(Map.of("keyId", "../x", "at", 1)))).post("/api/keys/usage").then()
                .statusCode(400).body("error.message", containsString("keyId"));
    }

    private static String list(int entries, String stem) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            values.add("\"" + stem + i + "\"");
        }
        return "[" + String.join(",", values) + "]";
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header(ClusterSignature.HEADER, AsCluster.header(AsCluster.SIGNER, "POST", base.resolve(path),
                        body.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private List<Integer> concurrently(int count, IntFunction<HttpRequest> request)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpRequest r = request.apply(i);
            tasks.add(() -> {
                start.await();
                return client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(count)) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (Callable<Integer> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }
}
