package dev.localbridge.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.JavaProcess;
import dev.localbridge.gateway.testing.LocalCluster;
import dev.localbridge.gateway.testing.LocalCluster.Gateway;
import dev.localbridge.gateway.testing.Ingress;
import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.protocol.cluster.ClusterSignature;
import io.restassured.path.json.JsonPath;

/**
 * Two gateway replicas, session-service and a Redis of the test's own, all as the packaged jars in separate
 * processes, with the agent reaching the replicas through a stand-in for the ingress.
 */
class ClusterProcessesIT {

    private static final String USER = "auth0|cluster";

    @TempDir
    Path dir;

    LocalCluster cluster;
    FakeOllama fake;
    Ingress ingress;
    Gateway a;
    Gateway b;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startCluster() {
        fake = new FakeOllama().start();
        cluster = new LocalCluster().start();
        a = cluster.startGateway("gateway-a", Map.of());
        b = cluster.startGateway("gateway-b", Map.of());
        ingress = ingressFor(a, b);
    }

    private static Ingress ingressFor(Gateway... gateways) {
        Ingress ingress = new Ingress();
        for (Gateway g : gateways) {
            ingress.add(g);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(gateways).stream().allMatch(ingress::isReady));
        return ingress;
    }

    @AfterEach
    void stopCluster() throws Exception {
        ingress.close();
        cluster.close();
        fake.stop();
    }

    @Test
    void aRequestToTheOtherReplicaReachesTheTunnelWithStreamingBothWays() throws Exception {
        cluster.startAgent(USER, a.port(), fake.url(), dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(b, USER, "/api/tags") == 200);

        HttpResponse<InputStream> chat = http.send(b.request(USER, "/api/chat?lines=4&delayMs=300&tag=relay")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(chat.statusCode()).isEqualTo(200);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(chat.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).contains("token0");
            assertThat(fake.lastLineWrittenNanos("relay")).as("first line relayed before the last was made").isNull();
            assertThat(reader.lines().count()).isEqualTo(4);
        }

        byte[] body = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(body);
        HttpResponse<String> upload = http.send(b.request(USER, "/upload")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(200);
        assertThat(JsonPath.from(upload.body()).getString("sha256"))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    }

    @Test
    void killingTheHoldingReplicaFailsInFlightRequestsFastAndTheAgentIsRoutableAgainWithinSeconds()
            throws Exception {
        JavaProcess agent = cluster.startAgent(USER, ingress.port(), fake.url(), dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.leasesOf(USER).contains("gateway-"));
        boolean onA = cluster.leasesOf(USER)
                .contains("gateway-a");
        Gateway holder = onA ? a : b;
        Gateway other = onA ? b : a;
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(other, USER, "/api/tags") == 200);

        HttpResponse<InputStream> inFlight = http.send(other.request(USER, "/api/chat?lines=200&delayMs=100")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(inFlight.statusCode()).isEqualTo(200);
        BufferedReader stream = new BufferedReader(new InputStreamReader(inFlight.body(), StandardCharsets.UTF_8));
        assertThat(stream.readLine()).contains("token0");
        int before = agent.output().size();
        long killedAt = System.nanoTime();
        holder.process().kill();

        CompletableFuture<Throwable> cut = CompletableFuture.supplyAsync(() -> {
            try {
                while (stream.readLine() != null) {
                    // drain what was relayed before the kill
                }
                return null;
            } catch (java.io.IOException e) {
                return e;
            }
        });
        assertThat(cut.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .as("the relayed stream is cut (not ended cleanly, not hung)").isNotNull();
        System.out.println("in-flight stream cut " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after kill -9");

        agent.awaitOutputAfter(before, "tunnel up", Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.get(other, USER, "/api/tags") == 200);
        long recoveredMillis = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("routable again " + recoveredMillis + " ms after kill -9");
        assertThat(recoveredMillis).isLessThan(10_000);

        await().atMost(Duration.ofSeconds(15)).until(() -> !cluster.leasesOf(USER).contains(holder.nodeId()));
    }

    @Test
    void routingRecoversOnItsOwnAfterRedisRestarts() throws Exception {
        cluster.startAgent(USER, a.port(), fake.url(), dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(b, USER, "/api/tags") == 200);

        cluster.redis().stop();
        assertThat(cluster.get(a, USER, "/api/tags")).as("the local route works without the store").isEqualTo(200);
        cluster.redis().start();

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String leases = cluster.leasesOf(USER);
            System.out.println("leases after the Redis restart: " + leases);
            return leases.contains("gateway-a");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.get(b, USER, "/api/tags") == 200);
    }

    @Test
    void aLeaseTakenOverByANewerEpochMakesTheOldOwnerAnswer421() throws Exception {
        cluster.startAgent(USER, a.port(), fake.url(), dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(b, USER, "/api/tags") == 200);
        JsonPath leases = JsonPath.from(cluster.leasesOf(USER));
        String connectionId = leases.getString("leases[0].connectionId");
        long oldEpoch = leases.getLong("leases[0].epoch");

        cluster.session("POST", "/api/nodes", "{\"nodeId\":\"intruder\",\"relayAddress\":\"127.0.0.1:1\"}");
        HttpResponse<String> takeover = cluster.session("POST", "/api/leases", "{\"userId\":\"" + USER
                + "\",\"connectionId\":\"" + connectionId + "\",\"nodeId\":\"intruder\"}");
        long newEpoch = JsonPath.from(takeover.body()).getLong("epoch");
        assertThat(newEpoch).isGreaterThan(oldEpoch);

        int startedBefore = fake.started();
        HttpResponse<String> relayed = http.send(relayCall(a, connectionId, newEpoch, USER, LocalCluster.SIGNER,
                Tokens.forUser(USER)), HttpResponse.BodyHandlers.ofString());
        assertThat(relayed.statusCode()).isEqualTo(421);
        assertThat(fake.started()).as("the fenced owner never served it").isEqualTo(startedBefore);
    }

    @Test
    void theRelayPortServesOnlyCallsSignedForExactlyThatCallAndOnlyOnce() throws Exception {
        cluster.startAgent(USER, a.port(), fake.url(), dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(b, USER, "/api/tags") == 200);
        JsonPath leases = JsonPath.from(cluster.leasesOf(USER));
        String connectionId = leases.getString("leases[0].connectionId");
        long epoch = leases.getLong("leases[0].epoch");

        String token = Tokens.forUser(USER);
        HttpRequest signed = relayCall(a, connectionId, epoch, USER, LocalCluster.SIGNER, token);
        assertThat(http.send(signed, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        int startedBefore = fake.started();

        List<HttpRequest> refused = List.of(
                signed, // the recorded call, replayed
                relayCall(a, connectionId, epoch, USER, new ClusterSignature("not-the-cluster-secret"), token),
                HttpRequest.newBuilder(signed.uri()).header(ClusterSignature.HEADER, LocalCluster.SECRET)
                        .header("Authorization", "Bearer " + token)
                        .header(ClusterSignature.CONNECTION_HEADER, connectionId)
                        .header(ClusterSignature.EPOCH_HEADER, Long.toString(epoch))
                        .header(ClusterSignature.USER_HEADER, USER).build(),
                HttpRequest.newBuilder(signed.uri()).header("Authorization", "Bearer " + token)
                        .header(ClusterSignature.CONNECTION_HEADER, connectionId)
                        .header(ClusterSignature.EPOCH_HEADER, Long.toString(epoch))
                        .header(ClusterSignature.USER_HEADER, USER).build());
        for (HttpRequest call : refused) {
            HttpResponse<String> answer = http.send(call, HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(call.headers().toString()).isEqualTo(401);
        }
        // signed for another user's route, sent with this user's: the route headers are covered
        String signature = LocalCluster.SIGNER.sign(ClusterSignature.Call.of("GET", "/api/tags")
                .withRoute(connectionId, Long.toString(epoch), "auth0|someone-else"));
        HttpResponse<String> rerouted = http.send(HttpRequest.newBuilder(signed.uri())
                .header(ClusterSignature.HEADER, signature).header("Authorization", "Bearer " + token)
                .header(ClusterSignature.CONNECTION_HEADER, connectionId)
                .header(ClusterSignature.EPOCH_HEADER, Long.toString(epoch))
                .header(ClusterSignature.USER_HEADER, USER).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(rerouted.statusCode()).isEqualTo(401);
        assertThat(fake.started()).as("no refused call reached the tunnel").isEqualTo(startedBefore);
    }

    @Test
    void theHolderServesARelayCallOnlyWithTheCallersOwnTokenForThatUser() throws Exception {
        cluster.startAgent(USER, a.port(), fake.url(), dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(b, USER, "/api/tags") == 200);
        JsonPath leases = JsonPath.from(cluster.leasesOf(USER));
        String connectionId = leases.getString("leases[0].connectionId");
        long epoch = leases.getLong("leases[0].epoch");
        int startedBefore = fake.started();

        HttpResponse<String> clusterCredentialOnly = send(
                relayCall(a, connectionId, epoch, USER, LocalCluster.SIGNER, null));
        assertThat(clusterCredentialOnly.statusCode()).isEqualTo(401);
        assertThat(clusterCredentialOnly.body()).contains("AUTH_TOKEN_MISSING");
        HttpResponse<String> anotherUsersToken = send(relayCall(a, connectionId, epoch, USER, LocalCluster.SIGNER,
                Tokens.forUser("mallory")));
        assertThat(anotherUsersToken.statusCode()).isEqualTo(403);
        assertThat(anotherUsersToken.body()).contains("TUNNEL_ACCESS_DENIED");
        assertThat(fake.started()).as("the cluster credential alone reached no tunnel").isEqualTo(startedBefore);

        assertThat(send(relayCall(a, connectionId, epoch, USER, LocalCluster.SIGNER, Tokens.forUser(USER)))
                .statusCode()).isEqualTo(200);
        assertThat(fake.seen().get(fake.seen().size() - 1).getJsonObject("headers").fieldNames())
                .map(String::toLowerCase).as("the caller's token never enters the tunnel")
                .doesNotContain("authorization");
    }

    private HttpResponse<String> send(HttpRequest call) throws Exception {
        return http.send(call, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A relay call to {@code via}'s relay port for GET /api/tags on the given route, signed by {@code signer}, with
     * the caller's {@code token} (may be null).
     */
    private static HttpRequest relayCall(Gateway via, String connectionId, long epoch, String user,
            ClusterSignature signer, String token) {
        String signature = signer.sign(ClusterSignature.Call.of("GET", "/api/tags")
                .withRoute(connectionId, Long.toString(epoch), user));
        HttpRequest.Builder call = HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + via.relayPort() + "/api/tags"))
                .header(ClusterSignature.HEADER, signature)
                .header(ClusterSignature.CONNECTION_HEADER, connectionId)
                .header(ClusterSignature.EPOCH_HEADER, Long.toString(epoch))
                .header(ClusterSignature.USER_HEADER, user);
        if (token != null) {
            call.header("Authorization", "Bearer " + token);
        }
        return call.build();
    }

    @Test
    void theConnectionLimitHoldsAcrossReplicas() throws Exception {
        String token = Tokens.forUser("greedy");
        List<CompletableFuture<java.net.http.WebSocket>> attempts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Gateway via = i % 2 == 0 ? a : b;
            attempts.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .subprotocols("localbridge.tunnel.v2")
                    .buildAsync(via.uri("/ws/tunnel").resolve("ws://127.0.0.1:" + via.port() + "/ws/tunnel"),
                            new java.net.http.WebSocket.Listener() { }));
        }
        long admitted = attempts.stream().filter(f -> f.handle((ws, e) -> e == null).join()).count();
        assertThat(admitted).isEqualTo(5);
    }

    @Test
    void theRateLimitHoldsAcrossReplicasHammeredAtOnce() throws Exception {
        // The cluster-wide limit is session-service's setting; the replicas share its window.
        ingress.close();
        cluster.close();
        Map<String, String> limit = Map.of("TUNNEL_RATE_LIMIT_MAX_REQUESTS", "100", "TUNNEL_RATE_LIMIT_WINDOW",
                "600000");
        cluster = new LocalCluster(limit).start();
        a = cluster.startGateway("gateway-a", limit);
        b = cluster.startGateway("gateway-b", limit);
        ingress = ingressFor(a, b);
        cluster.startAgent("limited", a.port(), fake.url(), dir);

        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Gateway via = i % 2 == 0 ? a : b;
            calls.add(http.sendAsync(via.request("limited", "/api/tags").build(),
                    HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode));
        }
        long ok = calls.stream().filter(c -> c.join() == 200).count();
        long limited = calls.stream().filter(c -> c.join() == 429).count();
        System.out.println("rate limit 100 across two replicas: " + ok + " admitted, " + limited + " refused");
        assertThat(ok).isBetween(90L, 100L);
        assertThat(ok + limited).isEqualTo(300);
    }

    @Test
    void withSessionServiceDownLocalRoutesWorkAndRemoteOnesFailFast() throws Exception {
        cluster.startAgent(USER, a.port(), fake.url(), dir);
        cluster.startAgent("never-looked-up", a.port(), fake.url(), dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get(b, USER, "/api/tags") == 200);
        cluster.killSession();

        assertThat(cluster.get(a, USER, "/api/tags")).isEqualTo(200);
        long tookMillis = timed(() -> assertRoutingUnavailable(b, "never-looked-up"));
        assertThat(tookMillis).as("fails fast").isLessThan(5_000);
    }

    @Test
    void withSessionServiceHungOnlyTheFirstLookupWaitsOutTheTimeoutAndRoutingComesBack() throws Exception {
        for (String user : List.of("hung-1", "hung-2", "hung-3")) {
            cluster.startAgent(user, a.port(), fake.url(), dir);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.leasesOf("hung-3").contains("gateway-a"));
        cluster.pauseSession();
        try {
            long first = timed(() -> assertRoutingUnavailable(b, "hung-1"));
            long second = timed(() -> assertRoutingUnavailable(b, "hung-2"));
            System.out.printf("session-service frozen: first uncached lookup answered 503 after %d ms, the next one "
                    + "after %d ms%n", first, second);
            assertThat(first).as("the first lookup waits out TUNNEL_SESSION_TIMEOUT").isGreaterThanOrEqualTo(1_500);
            assertThat(second).as("the next one does not wait again").isLessThan(500);
            assertThat(cluster.get(a, "hung-1", "/api/tags")).as("local routes keep working").isEqualTo(200);
        } finally {
            cluster.resumeSession();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> cluster.get(b, "hung-3", "/api/tags") == 200);
    }

    private void assertRoutingUnavailable(Gateway via, String user) {
        try {
            HttpResponse<String> answer = http.send(via.request(user, "/api/tags").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(JsonPath.from(answer.body()).getString("error.code")).isEqualTo("ROUTING_UNAVAILABLE");
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long timed(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
