package dev.localbridge.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.cluster.ClusterCredential;
import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.ownership.SessionServiceResource;
import dev.localbridge.gateway.proxy.Relays;
import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.TunnelProtocol;
import dev.localbridge.protocol.cluster.ClusterSignature;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/**
 * Clustered: another replica routes by the lease, which a connection holds from its upgrade on, so the holder's relay
 * port must refuse (421) a request for a connection whose agent has not said hello — and carry it once it has.
 */
@QuarkusTest
@TestProfile(RelayHelloTest.Clustered.class)
class RelayHelloTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    LocalTunnels tunnels;

    @Inject
    GatewayConfig config;

    private final FrameCodec codec = new FrameCodec();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A relay call as another replica makes it: signed for this route, with the user's own token. */
    private HttpRequest relayed(TunnelConnection tunnel) {
        String epoch = Long.toString(tunnel.epoch());
        String signature = new ClusterSignature(SessionServiceResource.SECRET).sign(
                ClusterSignature.Call.of("GET", "/api/tags").withRoute(tunnel.id(), epoch, tunnel.userId()));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.relayPort() + "/api/tags"))
                .header(Relays.CONNECTION_HEADER, tunnel.id())
                .header(Relays.EPOCH_HEADER, epoch)
                .header(Relays.USER_HEADER, tunnel.userId())
                .header(ClusterCredential.HEADER, signature)
                .header("Authorization", "Bearer " + Tokens.forUser(tunnel.userId()))
                .timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void aRelayedRequestCannotReachAConnectionThatHasNotSaidHello() throws Exception {
        String user = "relay-hello-" + UUID.randomUUID();
        try (RawTunnels raw = new RawTunnels(base)) {
            WebSocket ws = raw.connect(raw.options("/ws/tunnel")
                    .addHeader("Authorization", "Bearer " + Tokens.forUser(user))).join();
            BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
            ws.binaryMessageHandler(b -> {
                try {
                    frames.add(codec.decode(b.getBytes()));
                } catch (ProtocolException e) {
                    throw new AssertionError(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> tunnels.connections(user).size() == 1
                    && tunnels.connections(user).getFirst().epoch() > 0);
            TunnelConnection tunnel = tunnels.connections(user).getFirst();

            HttpResponse<String> refused = http.send(relayed(tunnel), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(421);
            assertThat(frames).as("nothing reached the connection").isEmpty();

            ws.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Hello(TunnelProtocol.VERSION, List.of()))));
            assertThat(frames.poll(10, TimeUnit.SECONDS)).isInstanceOf(Frame.Hello.class);
            http.sendAsync(relayed(tunnel), HttpResponse.BodyHandlers.discarding());
            Frame carried = frames.poll(10, TimeUnit.SECONDS);
            assertThat(carried).as("after its hello the relay carries the request").isInstanceOf(
                    Frame.RequestHead.class);
            assertThat(((Frame.RequestHead) carried).target()).isEqualTo("/api/tags");
            ws.close();
        }
    }

    /** The gateway clustered against a real session-service process, with a hello timeout longer than the test. */
    public static class Clustered implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SessionServiceResource.class));
        }

        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("tunnel.hello-timeout", "30000");
        }
    }
}
