package dev.localbridge.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.localbridge.agent.AgentConfig;
import dev.localbridge.agent.TunnelAgent;
import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.FakeOllamaResource;
import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.protocol.Capabilities;
import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.TunnelProtocol;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/**
 * A tunnel carries requests only once the agent has said hello: a WebSocket client with a valid token that does not
 * speak the protocol is never routed to and is closed with 4400; the Accept frames the agent sends let requests avoid
 * a connection that takes streams but never starts them.
 */
@QuarkusTest
@QuarkusTestResource(FakeOllamaResource.class)
@TestProfile(TunnelHelloTest.ShortTimeouts.class)
class TunnelHelloTest {

    static final long HELLO_TIMEOUT_MS = 20_000;
    static final long ACCEPT_TIMEOUT_MS = 2000;

    @TestHTTPResource("/")
    URI base;

    @Inject
    LocalTunnels tunnels;

    FakeOllama fake;
    RawTunnels raw;
    private final FrameCodec codec = new FrameCodec();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void client() {
        raw = new RawTunnels(base);
    }

    @AfterEach
    void closeClient() {
        raw.close();
    }

    private io.vertx.core.http.WebSocketConnectOptions optionsFor(String user) {
        return raw.options("/ws/tunnel").addHeader("Authorization", "Bearer " + Tokens.forUser(user));
    }

    private static AtomicReference<Short> closeCodeOf(WebSocket ws) {
        AtomicReference<Short> code = new AtomicReference<>();
        ws.closeHandler(v -> code.set(ws.closeStatusCode()));
        return code;
    }

    private HttpRequest get(String user, String path) {
        return HttpRequest.newBuilder(base.resolve("/api/tunnel/" + user + path))
                .header("Authorization", "Bearer " + Tokens.forUser(user)).timeout(Duration.ofSeconds(40)).build();
    }

    @Test
    void aConnectionThatSaysNoHelloGetsNoRequestAndIsClosedWith4400() throws Exception {
        String user = "hello-silent";
        // Connected first, so that without the hello rule it would win every tie on streams in flight.
        WebSocket silent = raw.connect(optionsFor(user)).join();
        long connectedAt = System.nanoTime();
        AtomicReference<Short> code = closeCodeOf(silent);
        BlockingQueue<Frame> toSilent = new LinkedBlockingQueue<>();
        silent.binaryMessageHandler(b -> toSilent.add(decode(b)));
        Vertx vertx = Vertx.vertx();
        TunnelAgent agent = new TunnelAgent(vertx, AgentConfig.of(base.resolve("/ws/tunnel").toString(),
                () -> Tokens.forUser(user)).withTargetUrl(fake.url()));
        try {
            // Up means the gateway's Hello is back: routable from here on.
            agent.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertThat(tunnels.connections(user)).as("the silent connection and the agent's").hasSize(2);
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                HttpResponse<String> answer = http.send(get(user, "/api/tags"), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("request %d", i).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("request %d", i)
                        .isLessThan(Duration.ofSeconds(10));
            }
            assertThat(silent.isClosed() ? code.get() : null).as("the silent connection was there for all 20")
                    .isNull();

            await().atMost(Duration.ofSeconds(40)).until(() -> code.get() != null);
            assertThat(code.get()).isEqualTo((short) CloseCode.HELLO_TIMEOUT.code());
            assertThat(Duration.ofNanos(System.nanoTime() - connectedAt))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(HELLO_TIMEOUT_MS - 100));
            assertThat(toSilent).as("the gateway sent nothing to a connection that said no hello").isEmpty();
            assertThat(http.send(get(user, "/api/tags"), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
        } finally {
            agent.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theGatewayAnswersAHelloWithItsOwnAndRoutesToTheConnectionFromThen() throws Exception {
        String user = "hello-polite";
        WebSocket ws = raw.connect(optionsFor(user)).join();
        BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        ws.binaryMessageHandler(b -> frames.add(decode(b)));
        await().atMost(Duration.ofSeconds(5)).until(() -> tunnels.connections(user).size() == 1);
        TunnelConnection tunnel = tunnels.connections(user).getFirst();
        assertThat(tunnel.acceptsStreams()).as("registered, but not routable before its hello").isFalse();
        assertThat(tunnels.pick(user, java.util.Set.of())).isNull();

        ws.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Hello(TunnelProtocol.VERSION,
                List.of(Capabilities.ACCEPT, "some-future-feature")))));

        Frame answer = frames.poll(5, TimeUnit.SECONDS);
        assertThat(answer).isEqualTo(new Frame.Hello(TunnelProtocol.VERSION, List.of(Capabilities.ACCEPT,
                Capabilities.RENEW)));
        assertThat(tunnel.acceptsStreams()).isTrue();
        assertThat(tunnel.capabilities()).containsExactly(Capabilities.ACCEPT, "some-future-feature");
        assertThat(tunnels.pick(user, java.util.Set.of())).isSameAs(tunnel);
        ws.close();
    }

    @Test
    void aFirstFrameThatIsNotAHelloIsAProtocolError() {
        WebSocket ws = raw.connect(optionsFor("hello-skipper")).join();
        AtomicReference<Short> code = closeCodeOf(ws);
        ws.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Ping(1))));
        await().atMost(Duration.ofSeconds(5)).until(() -> code.get() != null);
        assertThat(code.get()).isEqualTo((short) CloseCode.PROTOCOL_ERROR.code());
    }

    @Test
    void aHelloOfAnotherVersionOrASecondHelloIsAProtocolError() {
        WebSocket old = raw.connect(optionsFor("hello-old")).join();
        AtomicReference<Short> oldCode = closeCodeOf(old);
        old.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Hello(1, List.of()))));
        await().atMost(Duration.ofSeconds(5)).until(() -> oldCode.get() != null);
        assertThat(oldCode.get()).isEqualTo((short) CloseCode.PROTOCOL_ERROR.code());

        WebSocket twice = raw.connectAndHello(optionsFor("hello-twice")).join();
        AtomicReference<Short> twiceCode = closeCodeOf(twice);
        twice.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Hello(TunnelProtocol.VERSION, List.of()))));
        await().atMost(Duration.ofSeconds(5)).until(() -> twiceCode.get() != null);
        assertThat(twiceCode.get()).isEqualTo((short) CloseCode.PROTOCOL_ERROR.code());
    }

    @Test
    void refusesAVersion1OrUnnamedSubprotocolBeforeTheUpgrade() {
        assertThat(raw.upgradeStatus(optionsFor("hello-v1").setSubProtocols(List.of(TunnelProtocol.SUBPROTOCOL_V1))))
                .isEqualTo(400);
        assertThat(raw.upgradeStatus(optionsFor("hello-none").setSubProtocols(List.of()))).isEqualTo(400);
        assertThat(raw.upgradeStatus(optionsFor("hello-v2"))).isEqualTo(101);
    }

    /**
     * R1 takes a stream and never accepts it; once that stream is older than the accept timeout, it is taken from R1
     * and re-routed to R2 (nothing had reached the caller), and the next requests go to R2 even when R2 carries more
     * streams — and back to R1 only when it is the user's only connection.
     */
    @Test
    void requestsAvoidAConnectionThatLeavesAStreamUnacceptedWhileThereIsAnother() throws Exception {
        String user = "hello-stuck";
        WebSocket r1 = raw.connectAndHello(optionsFor(user), Capabilities.ACCEPT).join();
        BlockingQueue<Frame.RequestHead> toR1 = new LinkedBlockingQueue<>();
        r1.binaryMessageHandler(b -> {
            if (decode(b) instanceof Frame.RequestHead h) {
                toR1.add(h);
            }
        });
        WebSocket r2 = raw.connectAndHello(optionsFor(user), Capabilities.ACCEPT).join();
        BlockingQueue<Frame.RequestHead> toR2 = new LinkedBlockingQueue<>();
        r2.binaryMessageHandler(b -> {
            if (decode(b) instanceof Frame.RequestHead h) {
                toR2.add(h);
                r2.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Accept(h.streamId()))));
            }
        });
        TunnelConnection first = tunnels.connections(user).getFirst();

        http.sendAsync(get(user, "/a"), HttpResponse.BodyHandlers.discarding());
        assertThat(toR1.poll(5, TimeUnit.SECONDS)).as("a tie goes to the first connection").isNotNull()
                .extracting(Frame.RequestHead::target).isEqualTo("/a");
        assertThat(first.unresponsive()).as("not before the accept timeout").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(first::unresponsive);
        assertThat(toR2.poll(5, TimeUnit.SECONDS)).as("the unaccepted stream, re-routed").isNotNull()
                .extracting(Frame.RequestHead::target).isEqualTo("/a");
        assertThat(first.streamsInFlight()).as("given up on R1").isZero();

        for (String path : List.of("/b", "/c", "/d")) {
            http.sendAsync(get(user, path), HttpResponse.BodyHandlers.discarding());
            assertThat(toR2.poll(5, TimeUnit.SECONDS)).as(path).isNotNull()
                    .extracting(Frame.RequestHead::target).isEqualTo(path);
        }
        assertThat(toR1).as("nothing more for the unresponsive connection").isEmpty();

        AtomicReference<Short> r2Code = closeCodeOf(r2);
        r2.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> r2Code.get() != null
                && tunnels.connections(user).size() == 1);
        http.sendAsync(get(user, "/e"), HttpResponse.BodyHandlers.discarding());
        assertThat(toR1.poll(5, TimeUnit.SECONDS)).as("the only connection, unresponsive or not").isNotNull()
                .extracting(Frame.RequestHead::target).isEqualTo("/e");

        // Stream 2 (/e) is still open on R1 (the only connection: nowhere to re-route); accepting it ends R1's
        // unresponsiveness, which outlived the stream it gave up.
        assertThat(first.unresponsive()).isTrue();
        r1.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Accept(2))));
        await().atMost(Duration.ofSeconds(5)).until(() -> !first.unresponsive());
        r1.close();
    }

    @Test
    void aConnectionThatDidNotAnnounceAcceptIsNeverUnresponsive() throws Exception {
        String user = "hello-no-accept";
        WebSocket ws = raw.connectAndHello(optionsFor(user)).join();
        BlockingQueue<Frame.RequestHead> heads = new LinkedBlockingQueue<>();
        ws.binaryMessageHandler(b -> {
            if (decode(b) instanceof Frame.RequestHead h) {
                heads.add(h);
            }
        });
        TunnelConnection tunnel = tunnels.connections(user).getFirst();
        http.sendAsync(get(user, "/a"), HttpResponse.BodyHandlers.discarding());
        assertThat(heads.poll(5, TimeUnit.SECONDS)).isNotNull();
        await().during(Duration.ofMillis(ACCEPT_TIMEOUT_MS * 2))
                .atMost(Duration.ofMillis(ACCEPT_TIMEOUT_MS * 2 + 2000))
                .until(() -> !tunnel.unresponsive());
        ws.close();
    }

    private Frame decode(Buffer message) {
        try {
            return codec.decode(message.getBytes());
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Hello within 20 s and streams accepted within 2 s — long, so that the tests hold on a loaded machine; requests
     * wait 30 s, longer than the tests need them to.
     */
    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tunnel.hello-timeout", Long.toString(HELLO_TIMEOUT_MS),
                    "tunnel.stream-accept-timeout", Long.toString(ACCEPT_TIMEOUT_MS),
                    "tunnel.request-timeout", "30000");
        }
    }
}
