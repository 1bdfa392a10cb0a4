package dev.localbridge.gateway.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.testing.Agents;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Future;

/** The gateway against a real session-service process and real Redis: membership, leases, fencing, routes. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class SessionOwnershipTest {

    private static final String NODE = "test-node";
    private static final String TARGET = "http://127.0.0.1:9";

    @TestHTTPResource("/")
    URI base;

    @Inject
    Ownership ownership;

    @Inject
    LocalTunnels tunnels;

    @Inject
    MeterRegistry registry;

    @Test
    void registersTheNodeWithItsRelayAddressAtStartup() {
        assertThat(ownership.clustered()).isTrue();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(node(NODE))
                .isNotNull()
                .satisfies(n -> assertThat(n.get("relayAddress")).asString().startsWith("127.0.0.1:")));
    }

    @Test
    void aTunnelGetsALeaseWithItsConnectionsEpochAndLosesItWhenItCloses() {
        String user = "lease-" + UUID.randomUUID();
        try (Agents agents = new Agents(base)) {
            agents.connect(user, TARGET);
            TunnelConnection tunnel = tunnels.connections(user).getFirst();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(tunnel.epoch()).isPositive();
                assertThat(leases(user)).singleElement().satisfies(lease -> {
                    assertThat(lease.get("connectionId")).isEqualTo(tunnel.id());
                    assertThat(lease.get("nodeId")).isEqualTo(NODE);
                    assertThat(((Number) lease.get("epoch")).longValue()).isEqualTo(tunnel.epoch());
                });
            });
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(leases(user)).isEmpty());
    }

    @Test
    void theConnectionLimitIsClusterWideAndCountsOtherNodesLeases() throws Exception {
        String user = "limit-" + UUID.randomUUID();
        String other = registerNode("limit-node-" + UUID.randomUUID(), "10.9.9.9:8082");
        for (int i = 0; i < SessionServiceResource.MAX_CONNECTIONS - 1; i++) {
            acquireVia(other, user, UUID.randomUUID().toString());
        }
        String ours = UUID.randomUUID().toString();
        assertThat(result(acquiredFromTheStore(user, ours))).isPositive();

        assertThat(failureOf(acquiredFromTheStore(user, UUID.randomUUID().toString())))
                .isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS);

        ownership.release(user, ours);
        SessionServiceResource.api().delete("/api/nodes/" + other).then().statusCode(200);
    }

    @Test
    void remoteRoutesComeFromTheStoreAreCachedAndAreDroppedByTheChangeFeed() throws Exception {
        String user = "remote-" + UUID.randomUUID();
        String nodeB = registerNode("node-b-" + UUID.randomUUID(), "10.1.2.3:8082");
        String connection = UUID.randomUUID().toString();
        long epoch = acquireVia(nodeB, user, connection);
        String own = UUID.randomUUID().toString();
        result(ownership.acquire(user, own));

        List<RemoteRoute> routes = result(ownership.remoteRoutes(user));
        assertThat(routes).containsExactly(new RemoteRoute(nodeB, "10.1.2.3:8082", connection, epoch));
        // Our own acquire's change event may still be on its way and drop the entry once; after that, a repeated
        // lookup must be served from the cache (without caching this never becomes true).
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            double lookups = lookups();
            return result(ownership.remoteRoutes(user)).equals(routes) && lookups() == lookups;
        });

        // the route cache TTL (30 s) is far longer than these waits: only the change feed can explain a drop
        SessionServiceResource.api().queryParam("nodeId", nodeB).delete("/api/leases/" + connection)
                .then().statusCode(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> result(ownership.remoteRoutes(user)).isEmpty());

        String second = UUID.randomUUID().toString();
        acquireVia(nodeB, user, second);
        await().atMost(Duration.ofSeconds(5)).until(() -> result(ownership.remoteRoutes(user)).size() == 1);
        SessionServiceResource.api().delete("/api/nodes/" + nodeB).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> result(ownership.remoteRoutes(user)).isEmpty());
        ownership.release(user, own);
    }

    @Test
    void aLeaseTakenOverByAnotherNodeClosesTheLocalConnection() throws Exception {
        String user = "fenced-" + UUID.randomUUID();
        String other = registerNode("taker-" + UUID.randomUUID(), "10.7.7.7:8082");
        try (Agents agents = new Agents(base)) {
            agents.connect(user, TARGET);
            TunnelConnection tunnel = tunnels.connections(user).getFirst();
            await().atMost(Duration.ofSeconds(5)).until(() -> tunnel.epoch() > 0);

            JsonPath moved = SessionServiceResource.api()
                    .body(Map.of("userId", user, "connectionId", tunnel.id(), "nodeId", other))
                    .post("/api/leases").then().statusCode(200).extract().jsonPath();
            assertThat(moved.getString("outcome")).isEqualTo("moved");

            await().atMost(Duration.ofSeconds(5)).until(() -> tunnels.byId(tunnel.id()) == null);
        } finally {
            SessionServiceResource.api().delete("/api/nodes/" + other);
        }
    }

    @Test
    void registersAgainAndReacquiresItsLeasesWhenTheStoreLosesItsData() throws Exception {
        String user = "survivor-" + UUID.randomUUID();
        try (Agents agents = new Agents(base)) {
            agents.connect(user, TARGET);
            TunnelConnection tunnel = tunnels.connections(user).getFirst();
            await().atMost(Duration.ofSeconds(5)).until(() -> tunnel.epoch() > 0);
            long before = tunnel.epoch();

            SessionServiceResource.deleteKeys();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(node(NODE)).isNotNull();
                assertThat(leases(user)).singleElement().satisfies(lease -> {
                    assertThat(lease.get("nodeId")).isEqualTo(NODE);
                    assertThat(((Number) lease.get("epoch")).longValue()).isEqualTo(tunnel.epoch());
                });
            });
            assertThat(tunnel.epoch()).isNotEqualTo(before);
        }
    }

    @Test
    void whileSessionServiceIsDownRemoteLookupsFailFastOrServeTheCacheAndEverythingRecoversAfter()
            throws Exception {
        String cachedUser = "cached-" + UUID.randomUUID();
        String nodeC = registerNode("node-c-" + UUID.randomUUID(), "10.3.3.3:8082");
        acquireVia(nodeC, cachedUser, UUID.randomUUID().toString());
        assertThat(result(ownership.remoteRoutes(cachedUser))).hasSize(1);
        String user = "outage-" + UUID.randomUUID();
        try (Agents agents = new Agents(base)) {
            agents.connect(user, TARGET);
            TunnelConnection tunnel = tunnels.connections(user).getFirst();
            await().atMost(Duration.ofSeconds(5)).until(() -> tunnel.epoch() > 0);

            SessionServiceResource.stopService();
            try {
                long start = System.nanoTime();
                assertThat(failureOf(ownership.remoteRoutes("never-seen-" + UUID.randomUUID())))
                        .isEqualTo(ErrorCode.ROUTING_UNAVAILABLE);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
                assertThat(result(ownership.remoteRoutes(cachedUser))).as("cached route served").hasSize(1);

                String pending = UUID.randomUUID().toString();
                assertThat(result(ownership.acquire("offline-" + UUID.randomUUID(), pending)))
                        .as("admitted without the store, epoch 0").isZero();
                SessionServiceResource.deleteKeys();
            } finally {
                SessionServiceResource.startService();
            }

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(node(NODE)).isNotNull();
                assertThat(leases(user)).singleElement().satisfies(lease -> assertThat(
                        ((Number) lease.get("epoch")).longValue()).isEqualTo(tunnel.epoch()));
            });
            // re-subscribing to the feed dropped the cache; node C is gone with the store's data
            await().atMost(Duration.ofSeconds(10)).until(() -> result(ownership.remoteRoutes(cachedUser)).isEmpty());
        }
    }

    @Test
    void refusesRemoteRoutingWhenAMemoryStoreSeesMoreThanOneNode() throws Exception {
        SessionServiceResource.stopService();
        SessionServiceResource.startService(Map.of("TUNNEL_SESSION_STORE", "memory"));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> node(NODE) != null);
            String user = "memory-" + UUID.randomUUID();
            assertThat(result(ownership.remoteRoutes(user))).as("one node on a memory store is fine").isEmpty();

            registerNode("second-" + UUID.randomUUID(), "10.4.4.4:8082");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(failureOf(ownership.remoteRoutes(user))).isEqualTo(ErrorCode.ROUTING_UNAVAILABLE);
            });
            assertThat(failureMessage(ownership.remoteRoutes(user))).contains("memory store");
        } finally {
            SessionServiceResource.stopService();
            SessionServiceResource.startService();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> node(NODE) != null);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try {
                return result(ownership.remoteRoutes("after-" + UUID.randomUUID())).isEmpty();
            } catch (ExecutionException e) {
                return false;
            }
        });
    }

    /**
     * {@code ownership.acquire} as answered by session-service. An acquire that did not reach it (admitted on this
     * replica's limit, epoch 0) is asked again with the same connection id, which the store treats as a renewal: a
     * restart by an earlier test, or a call slower than the 1 s session timeout on a loaded machine, must not pass
     * for the store's answer.
     */
    private Future<Long> acquiredFromTheStore(String user, String connectionId) {
        AtomicReference<Future<Long>> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Future<Long> attempt = ownership.acquire(user, connectionId);
            try {
                attempt.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // a refusal is an answer from the store
            }
            answer.set(attempt);
            return attempt.failed() || attempt.result() != 0L;
        });
        return answer.get();
    }

    private static String failureMessage(Future<?> future) throws InterruptedException {
        try {
            future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within 5 s", e);
        }
    }

    private double lookups() {
        var counter = registry.find("localbridge.session.calls").tag("op", "lookup").counter();
        return counter == null ? 0 : counter.count();
    }

    private static String registerNode(String nodeId, String relayAddress) {
        SessionServiceResource.api().body(Map.of("nodeId", nodeId, "relayAddress", relayAddress))
                .post("/api/nodes").then().statusCode(200);
        return nodeId;
    }

    private static long acquireVia(String nodeId, String userId, String connectionId) {
        return SessionServiceResource.api().body(Map.of("userId", userId, "connectionId", connectionId,
                "nodeId", nodeId)).post("/api/leases").then().statusCode(200).extract().jsonPath().getLong("epoch");
    }

    private static List<Map<String, Object>> leases(String userId) {
        return SessionServiceResource.api().queryParam("userId", userId).get("/api/leases")
                .then().statusCode(200).extract().jsonPath().getList("leases");
    }

    private static Map<String, Object> node(String nodeId) {
        List<Map<String, Object>> nodes = SessionServiceResource.api().get("/api/nodes")
                .then().statusCode(200).extract().jsonPath().getList("$");
        return nodes.stream().filter(n -> nodeId.equals(n.get("nodeId"))).findFirst().orElse(null);
    }

    static <T> T result(Future<T> future) throws InterruptedException, ExecutionException {
        try {
            return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within 5 s", e);
        }
    }

    private static ErrorCode failureOf(Future<?> future)
            throws InterruptedException {
        CompletableFuture<?> result = future.toCompletionStage().toCompletableFuture();
        try {
            result.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a TunnelFailure, got " + result.join());
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TunnelFailure.class);
            return ((TunnelFailure) e.getCause()).code();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within 5 s", e);
        }
    }
}
