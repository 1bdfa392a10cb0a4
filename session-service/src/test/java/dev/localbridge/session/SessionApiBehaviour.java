package dev.localbridge.session;

import dev.localbridge.protocol.cluster.ClusterSignature;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/**
 * The behaviour of the REST API, run once per store ({@link RedisStoreTest}, {@link MemoryStoreTest}). Ids are
 * random per test, so tests never see each other's nodes, users or leases.
 */
abstract class SessionApiBehaviour {

    @TestHTTPResource("/")
    URI base;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void asCluster() {
        AsCluster.begin();
    }

    @AfterEach
    void reset() {
        AsCluster.end();
    }

    String id(String name) {
        return name + "-" + run;
    }

    void register(String node) {
        given().body("{\"nodeId\":\"" + node + "\",\"relayAddress\":\"" + node + ".relay:7000\"}")
                .post("/api/nodes").then().statusCode(200).body("nodeId", equalTo(node));
    }

    JsonPath acquire(String user, String conn, String node) {
        return given().body(acquireBody(user, conn, node)).post("/api/leases")
                .then().log().ifValidationFails().statusCode(200).extract().jsonPath();
    }

    static String acquireBody(String user, String conn, String node) {
        return "{\"userId\":\"" + user + "\",\"connectionId\":\"" + conn + "\",\"nodeId\":\"" + node + "\"}";
    }

    List<String> liveNodeIds() {
        return given().get("/api/nodes").then().statusCode(200).extract().jsonPath().getList("nodeId");
    }

    List<String> leasedConnections(String user) {
        return given().queryParam("userId", user).get("/api/leases")
                .then().statusCode(200).extract().jsonPath().getList("leases.connectionId");
    }

    JsonPath renew(String node, String conn, long epoch) {
        return given().body("{\"nodeId\":\"" + node + "\",\"leases\":[{\"connectionId\":\"" + conn + "\",\"epoch\":"
                        + epoch + "}]}")
                .post("/api/leases/renew").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void heartbeatingNodeStaysListedAndDisappearsWhenItStops() {
        String node = id("node");
        register(node);
        assertThat(liveNodeIds()).contains(node);

        // heartbeats for longer than the TTL keep it listed the whole time
        await().during(Duration.ofMillis(RedisTestProfile.NODE_TTL_MS + 1000)).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> given().post("/api/nodes/" + node + "/heartbeat").statusCode() == 200
                        && liveNodeIds().contains(node));

        await().atMost(Duration.ofSeconds(10)).until(() -> !liveNodeIds().contains(node));
        given().post("/api/nodes/" + node + "/heartbeat").then().statusCode(404)
                .body("error.code", equalTo("NODE_NOT_FOUND"));
    }

    Map<String, Object> listedNode(String node) {
        return given().get("/api/nodes").then().statusCode(200).extract().jsonPath()
                .getMap("find { it.nodeId == '" + node + "' }");
    }

    @Test
    void nodeCarriesTheManagementAddressItRegisteredAndLosesItWhenItRegistersWithout() {
        String node = id("node");
        given().body("{\"nodeId\":\"" + node + "\",\"relayAddress\":\"10.0.0.5:8082\","
                        + "\"managementAddress\":\"10.0.0.5:9000\"}")
                .post("/api/nodes").then().statusCode(200)
                .body("relayAddress", equalTo("10.0.0.5:8082")).body("managementAddress", equalTo("10.0.0.5:9000"));
        given().post("/api/nodes/" + node + "/heartbeat").then().statusCode(200)
                .body("managementAddress", equalTo("10.0.0.5:9000"));
        assertThat(listedNode(node))
                .containsOnlyKeys("nodeId", "relayAddress", "managementAddress", "registeredAt", "lastHeartbeat",
                        "expiresAt")
                .containsEntry("relayAddress", "10.0.0.5:8082")
                .containsEntry("managementAddress", "10.0.0.5:9000");

        // the same node id registered by a gateway that does not send one (an older build): null, not stale
        register(node);
        assertThat(listedNode(node)).containsEntry("managementAddress", null)
                .containsEntry("relayAddress", node + ".relay:7000");
        given().post("/api/nodes/" + node + "/heartbeat").then().statusCode(200)
                .body("$", hasKey("managementAddress")).body("managementAddress", nullValue());
    }

    @Test
    void addressesMustBeHostAndPort() {
        String node = id("node");
        for (String bad : List.of("10.0.0.5", "10.0.0.5:0", "10.0.0.5:65536", "http://10.0.0.5:9000", "a b:9000",
                "::1:9000", "x".repeat(254) + ":9000", "10.0.0.5:9000/q", "0.0.0.0:9000", "169.254.169.254:80",
                "224.0.0.1:9000", "255.255.255.255:9000", "256.1.1.1:9000", "010.0.0.5:9000", "1.2.3:9000",
                "-gateway:9000", "gateway-.local:9000", "a..b:9000", "under_score:9000", "x".repeat(64) + ".local:9000",
                "[::]:9000", "[fe80::1]:9000", "[fe80::1%eth0]:9000", "[zz::1]:9000", "[ff02::1]:9000",
                "user@10.0.0.5:9000")) {
            given().body(Map.of("nodeId", node, "relayAddress", "10.0.0.5:8082", "managementAddress", bad))
                    .post("/api/nodes").then().statusCode(400).body("error.code", equalTo("BAD_REQUEST"))
                    .body("error.message", containsString("managementAddress"));
        }
        given().body(Map.of("nodeId", node, "relayAddress", "relay-without-port")).post("/api/nodes")
                .then().statusCode(400).body("error.message", containsString("relayAddress"));
        assertThat(liveNodeIds()).doesNotContain(node);

        for (String good : List.of("[::1]:9000", "gateway-0.gateway.localbridge.svc.cluster.local:9000",
                "10.0.0.5:65535", "127.0.0.1:1", "localhost:9000", "[2001:db8::5]:9000", "0.pool.example:9000")) {
            given().body(Map.of("nodeId", node, "relayAddress", "10.0.0.5:8082", "managementAddress", good))
                    .post("/api/nodes").then().statusCode(200).body("managementAddress", equalTo(good));
        }
        // blank is the same as absent
        given().body(Map.of("nodeId", node, "relayAddress", "10.0.0.5:8082", "managementAddress", " "))
                .post("/api/nodes").then().statusCode(200).body("managementAddress", nullValue());
    }

    @Test
    void nodeIdsAreNamesNotArbitraryText() {
        for (String bad : List.of("../etc", "a b", "node/1", "-leading", ".hidden", "x".repeat(254), "nöde",
                "node\n2", "node%2F")) {
            given().body(Map.of("nodeId", bad, "relayAddress", "10.0.0.5:8082")).post("/api/nodes")
                    .then().statusCode(400).body("error.code", equalTo("BAD_REQUEST"))
                    .body("error.message", containsString("nodeId"));
        }
        for (String good : List.of(id("gateway-0"), id("gw_1.example"), "x".repeat(245) + run)) {
            given().body(Map.of("nodeId", good, "relayAddress", "10.0.0.5:8082")).post("/api/nodes")
                    .then().statusCode(200).body("nodeId", equalTo(good));
            given().delete("/api/nodes/" + good).then().statusCode(200);
        }
    }

    @Test
    void leaseIsAcquiredLookedUpRenewedAndReleased() {
        String node = id("node");
        String user = "auth0|" + id("user");
        register(node);

        JsonPath lease = acquire(user, id("conn"), node);
        assertThat(lease.getString("outcome")).isEqualTo("acquired");
        long epoch = lease.getLong("epoch");

        given().queryParam("userId", user).get("/api/leases").then().statusCode(200)
                .body("leases.connectionId", contains(id("conn")))
                .body("leases[0].nodeId", equalTo(node))
                .body("leases[0].relayAddress", equalTo(node + ".relay:7000"));

        JsonPath renewed = renew(node, id("conn"), epoch);
        assertThat(renewed.getList("renewed", String.class)).containsExactly(id("conn"));
        assertThat(renewed.getList("gone", String.class)).isEmpty();
        assertThat(renewed.getList("fenced", String.class)).isEmpty();

        given().queryParam("nodeId", node).queryParam("epoch", epoch).delete("/api/leases/" + id("conn"))
                .then().statusCode(204);
        assertThat(leasedConnections(user)).isEmpty();
        given().queryParam("nodeId", node).delete("/api/leases/" + id("conn"))
                .then().statusCode(404).body("error.code", equalTo("LEASE_NOT_FOUND"));
    }

    @Test
    void leaseExpiresWithoutRenewalAndNoLongerCounts() {
        String node = id("node");
        String user = id("user");
        register(node);
        for (int i = 0; i < RedisTestProfile.MAX_CONNECTIONS; i++) {
            acquire(user, id("conn" + i), node);
        }
        given().body(acquireBody(user, id("extra"), node)).post("/api/leases").then().statusCode(429)
                .body("error.code", equalTo("CONNECTION_LIMIT_EXCEEDED"));

        // keep the node alive but let the leases lapse
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            given().post("/api/nodes/" + node + "/heartbeat");
            return leasedConnections(user).isEmpty();
        });
        assertThat(renew(node, id("conn0"), 0).getList("gone", String.class)).containsExactly(id("conn0"));
        assertThat(acquire(user, id("extra"), node).getString("outcome")).isEqualTo("acquired");
    }

    @Test
    void takeoverRaisesTheEpochAndFencesTheOldOwner() {
        String nodeA = id("a");
        String nodeB = id("b");
        String user = id("user");
        String conn = id("conn");
        register(nodeA);
        register(nodeB);

        long first = acquire(user, conn, nodeA).getLong("epoch");
        JsonPath moved = acquire(user, conn, nodeB);
        assertThat(moved.getString("outcome")).isEqualTo("moved");
        long second = moved.getLong("epoch");
        assertThat(second).isGreaterThan(first);

        JsonPath stale = renew(nodeA, conn, first);
        assertThat(stale.getList("fenced", String.class)).containsExactly(conn);
        assertThat(stale.getList("renewed", String.class)).isEmpty();
        // right node, stale epoch: fenced too
        assertThat(renew(nodeB, conn, first).getList("fenced", String.class)).containsExactly(conn);
        assertThat(renew(nodeB, conn, second).getList("renewed", String.class)).containsExactly(conn);

        given().queryParam("nodeId", nodeA).queryParam("epoch", first).delete("/api/leases/" + conn)
                .then().statusCode(409).body("error.code", equalTo("LEASE_FENCED"));
        given().queryParam("userId", user).get("/api/leases").then()
                .body("leases.nodeId", contains(nodeB)).body("leases[0].epoch", equalTo(second));
    }

    @Test
    void epochsIncreaseAcrossAcquisitions() {
        String node = id("node");
        register(node);
        long previous = 0;
        for (int i = 0; i < 5; i++) {
            long epoch = acquire(id("user" + i), id("conn" + i), node).getLong("epoch");
            assertThat(epoch).isGreaterThan(previous);
            previous = epoch;
        }
    }

    @Test
    void connectionIdOfAnotherUserIsRefusedAndUnregisteredNodeCannotAcquire() {
        String node = id("node");
        register(node);
        acquire(id("alice"), id("conn"), node);
        given().body(acquireBody(id("bob"), id("conn"), node)).post("/api/leases").then().statusCode(409)
                .body("error.code", equalTo("LEASE_CONFLICT"));
        given().body(acquireBody(id("bob"), id("conn2"), id("ghost"))).post("/api/leases").then().statusCode(404)
                .body("error.code", equalTo("NODE_NOT_FOUND"));
        given().body("{\"userId\":\"x\"}").post("/api/leases").then().statusCode(400)
                .body("error.code", equalTo("BAD_REQUEST"));
    }

    @Test
    void connectionLimitHoldsUnderConcurrentAcquisitionFromTwoNodes() throws Exception {
        String user = id("user");
        List<String> nodes = List.of(id("a"), id("b"));
        nodes.forEach(this::register);
        int attempts = 40;
        HttpClient client = HttpClient.newHttpClient();
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            String body = acquireBody(user, id("conn" + i), nodes.get(i % 2));
            tasks.add(() -> {
                start.await();
                return client.send(post("/api/leases", body), HttpResponse.BodyHandlers.discarding()).statusCode();
            });
        }
        List<Integer> statuses = runConcurrently(tasks, start);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(RedisTestProfile.MAX_CONNECTIONS);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(attempts - RedisTestProfile.MAX_CONNECTIONS);
        assertThat(leasedConnections(user)).hasSize(RedisTestProfile.MAX_CONNECTIONS);
    }

    @Test
    void rateLimitBatchesNeverGrantMoreThanTheLimitAcrossConcurrentCallers() throws Exception {
        String user = id("user");
        register(id("a"));
        register(id("b"));
        HttpClient client = HttpClient.newHttpClient();
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Integer>> callers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            callers.add(() -> {
                start.await();
                int total = 0;
                while (true) {
                    String answer = client.send(post("/api/ratelimit/tokens", "{\"userId\":\"" + user + "\"}"),
                            HttpResponse.BodyHandlers.ofString()).body();
                    JsonPath grant = JsonPath.from(answer);
                    int granted = grant.getInt("granted");
                    assertThat(granted).isLessThanOrEqualTo(grant.getInt("batchSize"));
                    if (granted == 0) {
                        return total;
                    }
                    total += granted;
                }
            });
        }
        int granted = runConcurrently(callers, start).stream().mapToInt(Integer::intValue).sum();
        assertThat(granted).isEqualTo(RedisTestProfile.RATE_LIMIT);

        // two live nodes at least: batch = min(limit / (10 x nodes), 50) <= 50
        given().body("{\"userId\":\"" + user + "\",\"requested\":500}").post("/api/ratelimit/tokens").then()
                .statusCode(200).body("granted", equalTo(0)).body("remaining", equalTo(0))
                .body("limit", equalTo(RedisTestProfile.RATE_LIMIT));
    }

    @Test
    void returnedTokensCanBeGrantedAgain() {
        String user = id("user");
        JsonPath grant = given().body("{\"userId\":\"" + user + "\",\"requested\":10}").post("/api/ratelimit/tokens")
                .then().statusCode(200).body("granted", equalTo(10)).extract().jsonPath();
        given().body("{\"userId\":\"" + user + "\",\"tokens\":4,\"windowStart\":" + grant.getLong("windowStart") + "}")
                .post("/api/ratelimit/tokens/return").then().statusCode(204);
        given().body("{\"userId\":\"" + user + "\",\"requested\":1}").post("/api/ratelimit/tokens").then()
                .body("remaining", equalTo(RedisTestProfile.RATE_LIMIT - 7));
    }

    @Test
    void changeFeedAnnouncesAcquireReleaseAndNodeGone() {
        String node = id("node");
        String user = id("user");
        register(node);
        try (SseClient feed = new SseClient(base.resolve("/api/events"))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"subscribed\""));
            long epoch = acquire(user, id("conn"), node).getLong("epoch");
            given().queryParam("nodeId", node).delete("/api/leases/" + id("conn")).then().statusCode(204);
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.saw("\"lease-released\"", id("conn"),
                    "\"reason\":\"closed\"", "\"epoch\":" + epoch));
            assertThat(feed.saw("\"lease-acquired\"", id("conn"))).isTrue();

            // a node that stops heartbeating is announced once it expires
            await().atMost(Duration.ofSeconds(10)).until(() -> feed.saw("\"node-gone\"", node, "expired"));
        }
    }

    @Test
    void leavingNodeReleasesItsLeases() {
        String node = id("node");
        String user = id("user");
        register(node);
        acquire(user, id("c1"), node);
        acquire(user, id("c2"), node);
        given().delete("/api/nodes/" + node).then().statusCode(200)
                .body("wasRegistered", equalTo(true)).body("leasesReleased", equalTo(2));
        assertThat(leasedConnections(user)).isEmpty();
        given().get("/api/nodes").then().body("nodeId", not(hasItem(node)));
    }

    @Test
    void statsCountLiveNodesAndLeases() {
        String node = id("node");
        register(node);
        acquire(id("user"), id("conn"), node);
        JsonPath stats = given().get("/api/stats").then().statusCode(200).extract().jsonPath();
        assertThat(stats.getInt("liveNodes")).isGreaterThanOrEqualTo(1);
        assertThat(stats.getLong("liveLeases")).isGreaterThanOrEqualTo(1);
        given().queryParam("userId", id("nobody")).get("/api/leases").then().body("leases", empty());
    }

    private HttpRequest post(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header(ClusterSignature.HEADER, AsCluster.header(AsCluster.SIGNER, "POST", base.resolve(path),
                        body.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static <T> List<T> runConcurrently(List<Callable<T>> tasks, CountDownLatch start) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        }
    }
}
