package dev.localbridge.gateway.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.localbridge.gateway.cluster.ClusterCredential;
import dev.localbridge.gateway.proxy.Relays;
import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.LocalCluster;
import dev.localbridge.gateway.testing.LocalCluster.Gateway;
import dev.localbridge.gateway.testing.Tokens;
import io.restassured.path.json.JsonPath;

/**
 * The hostile-agent contract and the request-body contract through the relay: the agents hold their tunnels on
 * replica A, callers ask replica B, which relays over its pooled HTTP/1.1 connections to A. Also: A's relay port
 * serves only requests that carry the user's own credential, not merely the cluster's. All packaged jars in separate
 * processes (as {@code ClusterProcessesIT}).
 *
 * <p>Run with {@code -Dit.test='HostileRelayIT*'} (the contracts are nested classes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRelayIT {

    private static final String VICTIM = "victim-relay";
    private static final String UPLOADER = "uploader-relay";

    FakeOllama fake;
    LocalCluster cluster;
    Gateway a;
    Gateway b;
    HonestAgent victim;
    HonestAgent uploader;
    /** Each direct relay call asks for its own path, so that what the local service saw is told apart. */
    final AtomicInteger relayCalls = new AtomicInteger();

    @BeforeAll
    void startCluster() {
        fake = new FakeOllama().start();
        cluster = new LocalCluster().start();
        a = cluster.startGateway("gateway-a", Map.of());
        b = cluster.startGateway("gateway-b", Map.of());
        victim = HonestAgent.start(base(a), base(b), VICTIM, fake.url());
        uploader = HonestAgent.start(base(a), base(b), UPLOADER, fake.url());
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (victim != null) {
            victim.close();
        }
        if (uploader != null) {
            uploader.close();
        }
        cluster.close();
        fake.stop();
    }

    static URI base(Gateway gateway) {
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    /** A hostile agent on A, callers on B. */
    @Nested
    class HostileAgentThroughTheRelay extends HostileAgentContract {
        @Override
        protected URI agentGateway() {
            return base(a);
        }

        @Override
        protected URI callerGateway() {
            return base(b);
        }

        @Override
        protected String victim() {
            return VICTIM;
        }

        @Test
        void noOtherCallerGetsTheAgentsBytesFromTheRelayConnectionItOverran() {
            mallory.on("/split", HostileAgent.head(200, "Content-Type", "text/plain", "Content-Length", "2"),
                    HostileAgent.body("OK" + INJECTED_ANSWER), HostileAgent.end());
            try (RawCaller attacker = caller()) {
                ask(attacker, "GET", "/split");
            }
            // B's pooled relay connections to A are shared by every caller of B: each new caller asks once.
            for (int i = 0; i < 6; i++) {
                try (RawCaller other = caller()) {
                    assertNextAnswerIsTheVictimsOwn(other);
                }
            }
        }
    }

    /** Uploads to B for a user whose agent is on A. */
    @Nested
    class RequestBodiesThroughTheRelay extends RequestBodyContract {
        @Override
        protected URI callerGateway() {
            return base(b);
        }

        @Override
        protected String uploader() {
            return UPLOADER;
        }

        @Override
        protected long bytesArrivedSoFar(String tag) {
            return fake.digestBytesSoFar(tag);
        }
    }

    /** Someone who knows the cluster credential (a compromised pod, a leaked secret) calls A's relay port directly. */
    @Nested
    class RelayCredential {

        // The relay between replicas is HTTP/1.1; the JDK client would otherwise try an h2c upgrade.
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        @Test
        void aRelayCallWithOnlyTheClusterCredentialIsRefusedAndNeverReachesTheTunnel() throws Exception {
            String path = "/echo/relay-direct-" + relayCalls.incrementAndGet();
            HttpResponse<String> answer = relayCall(path, null, true);
            assertThat(answer.statusCode()).as("a relay call without the user's token: %s", answer.body())
                    .isIn(401, 403);
            assertNeverReachedTheLocalService(path);
        }

        @Test
        void aRelayCallWithAnotherUsersTokenIsRefusedAndNeverReachesTheTunnel() throws Exception {
            String path = "/echo/relay-direct-" + relayCalls.incrementAndGet();
            HttpResponse<String> answer = relayCall(path, Tokens.forUser("someone-else"), true);
            assertThat(answer.statusCode()).as("a relay call with another user's token: %s", answer.body())
                    .isIn(401, 403);
            assertNeverReachedTheLocalService(path);
        }

        @Test
        void aRelayCallWithTheUsersTokenButWithoutTheClusterCredentialIsRefused() throws Exception {
            String path = "/echo/relay-direct-" + relayCalls.incrementAndGet();
            HttpResponse<String> answer = relayCall(path, Tokens.forUser(VICTIM), false);
            assertThat(answer.statusCode()).isIn(401, 403);
            assertNeverReachedTheLocalService(path);
        }

        @Test
        void aRelayedRequestFromAReplicaWithTheCallersTokenIsServed() throws Exception {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base(b).resolve("/api/tunnel/"
                            + VICTIM + "/echo/relayed-by-b")).header("Authorization", "Bearer "
                            + Tokens.forUser(VICTIM)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JsonPath.from(answer.body()).getString("path")).isEqualTo("/echo/relayed-by-b");
        }

        private HttpResponse<String> relayCall(String path, String userToken, boolean withClusterCredential)
                throws Exception {
            JsonPath leases = JsonPath.from(cluster.leasesOf(VICTIM));
            HttpRequest.Builder call = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.relayPort() + path))
                    .header(Relays.CONNECTION_HEADER, leases.getString("leases[0].connectionId"))
                    .header(Relays.EPOCH_HEADER, Long.toString(leases.getLong("leases[0].epoch")))
                    .header(Relays.USER_HEADER, VICTIM)
                    .timeout(Duration.ofSeconds(10));
            if (withClusterCredential) {
                call.header(ClusterCredential.HEADER, LocalCluster.SECRET);
            }
            if (userToken != null) {
                call.header("Authorization", "Bearer " + userToken);
            }
            return http.send(call.build(), HttpResponse.BodyHandlers.ofString());
        }

        private void assertNeverReachedTheLocalService(String path) {
            assertThat(fake.seen()).as("requests the local service received")
                    .noneMatch(seen -> seen.getString("uri").equals(path));
        }
    }
}
