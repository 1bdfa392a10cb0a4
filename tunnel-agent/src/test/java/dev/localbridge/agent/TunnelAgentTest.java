package dev.localbridge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.localbridge.protocol.Capabilities;
import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.GoAwayReason;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.ResetReason;
import dev.localbridge.protocol.TunnelProtocol;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.UpgradeRejectedException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent against a fake gateway speaking the protocol and a local target server, all on loopback. */
class TunnelAgentTest {

    private Vertx vertx;
    private FakeGateway gateway;
    private HttpServer targetServer;
    private volatile Handler<HttpServerRequest> target = req -> req.response().end("ok");
    private final Map<String, String> seenByTarget = new ConcurrentHashMap<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private TunnelAgent agent;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        gateway = new FakeGateway(vertx);
        targetServer = vertx.createHttpServer().requestHandler(req -> target.handle(req));
        get(targetServer.listen(0, "127.0.0.1"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            get(agent.close());
        }
        get(vertx.close());
    }

    private AgentConfig config() {
        return AgentConfig.of(gateway.url(), () -> "test-token")
                .withTargetUrl("http://127.0.0.1:" + targetServer.actualPort() + "/base/")
                .withReconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private FakeGateway.Tunnel startAgent(AgentConfig config) throws Exception {
        agent = new TunnelAgent(vertx, config).addListener(new TunnelListener() {
            @Override
            public void connected(String connectionId) {
                events.add("up " + connectionId);
            }

            @Override
            public void disconnected(String connectionId, String reason) {
                events.add("down " + connectionId + " " + reason);
            }
        });
        get(agent.start());
        return gateway.nextTunnel();
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Frame.RequestHead get(int stream, String target) {
        return new Frame.RequestHead(stream, "GET", target, List.of(), true);
    }

    private static String body(FakeGateway.Tunnel tunnel, int stream) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            Frame f = tunnel.next(Frame.class, x -> x.streamId() == stream && !(x instanceof Frame.WindowUpdate));
            if (f instanceof Frame.ResponseBody b) {
                out.writeBytes(b.data());
            } else if (f instanceof Frame.ResponseEnd) {
                return out.toString(StandardCharsets.UTF_8);
            } else {
                throw new AssertionError("unexpected " + f);
            }
        }
    }

    @Test
    void connectsWithBearerTokenAndTheProtocolSubprotocolAndNoOrigin() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent(config());

        assertThat(agent.isConnected()).isTrue();
        assertThat(agent.connectCount()).isEqualTo(1);
        assertThat(gateway.authorizations.poll()).isEqualTo("Bearer test-token");
        assertThat(gateway.origins.poll()).as("an agent is not a browser page").isEqualTo("null");
        assertThat(tunnel.ws.subProtocol()).isEqualTo(TunnelProtocol.SUBPROTOCOL_V2);
        assertThat(events).containsExactly("up " + agent.connectionId());
    }

    @Test
    void saysHelloFirstAndIsUpOnlyOnceTheGatewayAnswersWithItsOwn() throws Exception {
        gateway.answerHello = false;
        agent = new TunnelAgent(vertx, config());
        CompletableFuture<Void> up = agent.start().toCompletionStage().toCompletableFuture();
        FakeGateway.Tunnel tunnel = gateway.nextTunnel();

        await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.hello != null);
        assertThat(tunnel.all.getFirst()).as("the first frame").isSameAs(tunnel.hello);
        assertThat(tunnel.hello.version()).isEqualTo(TunnelProtocol.VERSION);
        assertThat(tunnel.hello.capabilities()).containsExactly(Capabilities.ACCEPT, Capabilities.RENEW);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !up.isDone() && !agent.isConnected());

        tunnel.send(new Frame.Hello(TunnelProtocol.VERSION, List.of()));

        up.get(10, TimeUnit.SECONDS);
        assertThat(agent.isConnected()).isTrue();
        tunnel.send(get(1, "/api/tags"));
        assertThat(tunnel.next(Frame.ResponseHead.class).status()).isEqualTo(200);
    }

    @Test
    void closesWithProtocolErrorWhenTheGatewaysFirstFrameIsNotAHello() throws Exception {
        gateway.answerHello = false;
        agent = new TunnelAgent(vertx, config());
        agent.start();
        FakeGateway.Tunnel tunnel = gateway.nextTunnel();
        await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.hello != null);

        tunnel.send(get(1, "/api/tags"));

        await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.closeCode != null);
        assertThat(tunnel.closeCode).isEqualTo((short) CloseCode.PROTOCOL_ERROR.code());
        assertThat(tunnel.all).as("nothing forwarded").noneMatch(f -> f instanceof Frame.ResponseHead
                || f instanceof Frame.Accept);
    }

    @Test
    void acceptsEachStreamItTakesBeforeAnsweringItAndNotThoseItRefuses() throws Exception {
        CompletableFuture<HttpServerRequest> held = new CompletableFuture<>();
        target = req -> {
            if (req.path().endsWith("/slow")) {
                held.complete(req);
            } else {
                req.response().end("ok");
            }
        };
        FakeGateway.Tunnel tunnel = startAgent(config().withMaxConcurrentStreams(1));

        tunnel.send(get(1, "/slow"));
        HttpServerRequest slow = held.get(10, TimeUnit.SECONDS);
        tunnel.send(get(3, "/fast"));
        assertThat(tunnel.next(Frame.Reset.class).reason()).isEqualTo(ResetReason.REFUSED_STREAM);
        slow.response().end("done");
        tunnel.next(Frame.ResponseHead.class, h -> h.streamId() == 1);
        assertThat(body(tunnel, 1)).isEqualTo("done");
        tunnel.send(get(5, "/fast"));
        tunnel.next(Frame.ResponseHead.class, h -> h.streamId() == 5);
        assertThat(body(tunnel, 5)).isEqualTo("ok");

        List<Frame> frames = tunnel.all;
        assertThat(frames.stream().filter(f -> f instanceof Frame.Accept).map(Frame::streamId))
                .as("one accept per stream taken, none for the refused one").containsExactly(1, 5);
        for (int stream : new int[] {1, 5}) {
            int accept = indexOf(frames, f -> f instanceof Frame.Accept && f.streamId() == stream);
            int head = indexOf(frames, f -> f instanceof Frame.ResponseHead && f.streamId() == stream);
            assertThat(accept).as("accept of stream %d before its response head", stream).isLessThan(head);
        }
    }

    private static int indexOf(List<Frame> frames, java.util.function.Predicate<Frame> which) {
        for (int i = 0; i < frames.size(); i++) {
            if (which.test(frames.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such frame in " + frames);
    }

    @Test
    void reconnectsAtOnceWhenItsLeaseIsTakenOverAndAfterTheBackoffOtherwise() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent(config()
                .withReconnectBackoff(Duration.ofSeconds(3), Duration.ofSeconds(3)));

        long start = System.nanoTime();
        tunnel.ws.close(CloseCode.LEASE_TAKEN_OVER.asShort(), "lease taken over");
        FakeGateway.Tunnel second = gateway.nextTunnel();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("4409: no backoff")
                .isLessThan(Duration.ofMillis(2500));
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.connectCount() == 2 && agent.isConnected());

        start = System.nanoTime();
        second.ws.close(CloseCode.INTERNAL_ERROR.asShort(), "boom");
        gateway.nextTunnel();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("1011: the backoff's minimum")
                .isGreaterThanOrEqualTo(Duration.ofMillis(2900));
    }

    @Test
    void forwardsRequestToTheTargetBasePathAndStreamsTheResponseBack() throws Exception {
        target = req -> {
            seenByTarget.put("uri", req.uri());
            seenByTarget.put("host", req.getHeader("Host"));
            seenByTarget.put("origin", String.valueOf(req.getHeader("Origin")));
            seenByTarget.put("authorization", String.valueOf(req.getHeader("Authorization")));
            req.body().onSuccess(b -> {
                req.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
                req.response().write("{\"echo\":\"" + b + "\"}\n");
                req.response().end("{\"done\":true}\n");
            });
        };
        FakeGateway.Tunnel tunnel = startAgent(config());

        tunnel.send(new Frame.RequestHead(1, "POST", "/api/chat?stream=true", List.of(
                new Header("Host", "bridge.example.com"), new Header("Origin", "https://app.example.com"),
                new Header("Authorization", "Bearer caller"), new Header("Content-Type", "application/json")),
                false));
        tunnel.send(new Frame.RequestBody(1, "hi".getBytes(StandardCharsets.UTF_8)));
        tunnel.send(new Frame.RequestEnd(1));

        Frame.ResponseHead head = tunnel.next(Frame.ResponseHead.class);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.endOfStream()).isFalse();
        assertThat(head.headers()).extracting(Header::name).map(String::toLowerCase)
                .contains("content-type").doesNotContain("transfer-encoding");
        assertThat(body(tunnel, 1)).isEqualTo("{\"echo\":\"hi\"}\n{\"done\":true}\n");
        assertThat(seenByTarget).containsEntry("uri", "/base/api/chat?stream=true")
                .containsEntry("host", "127.0.0.1:" + targetServer.actualPort())
                .containsEntry("origin", "null")
                .containsEntry("authorization", "null");
    }

    @Test
    void grantsRequestBodyCreditBackOnceWrittenToTheTarget() throws Exception {
        target = req -> req.body().onSuccess(b -> req.response().end(Integer.toString(b.length())));
        FakeGateway.Tunnel tunnel = startAgent(config());

        tunnel.send(new Frame.RequestHead(1, "POST", "/upload", List.of(), false));
        tunnel.send(new Frame.RequestBody(1, new byte[1000]));

        Frame.WindowUpdate update = tunnel.next(Frame.WindowUpdate.class);
        assertThat(update.streamId()).isEqualTo(1);
        assertThat(update.increment()).isEqualTo(1000);
        tunnel.send(new Frame.RequestEnd(1));
        tunnel.next(Frame.ResponseHead.class);
        assertThat(body(tunnel, 1)).isEqualTo("1000");
    }

    @Test
    void stopsSendingTheResponseWhenCreditRunsOutAndResumesOnWindowUpdate() throws Exception {
        int size = 3 * TunnelProtocol.INITIAL_WINDOW_BYTES / 2;
        target = req -> req.response().end(Buffer.buffer(new byte[size]));
        FakeGateway.Tunnel tunnel = startAgent(config());
        AtomicInteger received = new AtomicInteger();
        AtomicInteger largestChunk = new AtomicInteger();
        AtomicBoolean ended = new AtomicBoolean();
        FrameCodec codec = new FrameCodec();
        // Count bytes as they arrive instead of queueing frames, so the test sees exactly where the agent stops.
        tunnel.ws.binaryMessageHandler(message -> {
            try {
                Frame f = codec.decode(message.getBytes());
                if (f instanceof Frame.ResponseBody body) {
                    received.addAndGet(body.data().length);
                    largestChunk.accumulateAndGet(body.data().length, Math::max);
                } else if (f instanceof Frame.ResponseEnd) {
                    ended.set(true);
                }
            } catch (ProtocolException e) {
                throw new AssertionError(e);
            }
        });

        tunnel.send(get(1, "/big"));

        await().atMost(Duration.ofSeconds(10)).until(() -> received.get() == TunnelProtocol.INITIAL_WINDOW_BYTES);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> received.get() == TunnelProtocol.INITIAL_WINDOW_BYTES && !ended.get());
        tunnel.send(new Frame.WindowUpdate(1, TunnelProtocol.INITIAL_WINDOW_BYTES));
        await().atMost(Duration.ofSeconds(10)).until(ended::get);
        assertThat(received.get()).isEqualTo(size);
        assertThat(largestChunk.get()).isLessThanOrEqualTo(TunnelProtocol.MAX_CHUNK_BYTES);
    }

    @Test
    void refusesATargetThatClimbsAboveTheBasePathWithForbidden() throws Exception {
        AtomicBoolean called = new AtomicBoolean();
        target = req -> {
            called.set(true);
            req.response().end();
        };
        FakeGateway.Tunnel tunnel = startAgent(config());

        tunnel.send(get(1, "/../secret"));

        Frame.Reset reset = tunnel.next(Frame.Reset.class);
        assertThat(reset.reason()).isEqualTo(ResetReason.FORBIDDEN);
        assertThat(reset.message()).contains("..");
        assertThat(called).isFalse();
    }

    @Test
    void resetsWithUpstreamUnavailableWhenTheTargetIsDown() throws Exception {
        int port = targetServer.actualPort();
        get(targetServer.close());
        FakeGateway.Tunnel tunnel = startAgent(config().withTargetUrl("http://127.0.0.1:" + port));

        tunnel.send(get(1, "/api/tags"));

        Frame.Reset reset = tunnel.next(Frame.Reset.class);
        assertThat(reset.reason()).isEqualTo(ResetReason.UPSTREAM_UNAVAILABLE);
        assertThat(reset.message()).contains("cannot reach the local target");
    }

    @Test
    void cancelFromTheGatewayAbortsTheLocalRequest() throws Exception {
        AtomicBoolean targetSawRequest = new AtomicBoolean();
        AtomicBoolean targetConnectionClosed = new AtomicBoolean();
        target = req -> {
            req.response().closeHandler(v -> targetConnectionClosed.set(true));
            targetSawRequest.set(true);
        };
        FakeGateway.Tunnel tunnel = startAgent(config());

        tunnel.send(get(1, "/api/generate"));
        await().atMost(Duration.ofSeconds(10)).untilTrue(targetSawRequest);
        tunnel.send(new Frame.Reset(1, ResetReason.CANCEL, "caller went away"));

        await().atMost(Duration.ofSeconds(10)).untilTrue(targetConnectionClosed);
    }

    @Test
    void refusesStreamsBeyondTheConfiguredMaximum() throws Exception {
        target = req -> {
        };
        FakeGateway.Tunnel tunnel = startAgent(config().withMaxConcurrentStreams(1));

        tunnel.send(get(1, "/slow"));
        tunnel.send(get(3, "/slow"));

        Frame.Reset reset = tunnel.next(Frame.Reset.class);
        assertThat(reset.streamId()).isEqualTo(3);
        assertThat(reset.reason()).isEqualTo(ResetReason.REFUSED_STREAM);
    }

    @Test
    void answersPingWithPongCarryingTheSamePayload() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent(config());

        tunnel.send(new Frame.Ping(42));

        assertThat(tunnel.next(Frame.Pong.class).payload()).isEqualTo(42);
    }

    @Test
    void pingsAndClosesWith4408WhenTheGatewayStaysSilent() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent(config().withPingInterval(Duration.ofMillis(100)));
        tunnel.ws.binaryMessageHandler(null);

        await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.closeCode != null);
        assertThat(tunnel.closeCode).isEqualTo((short) 4408);
        gateway.nextTunnel();
    }

    @Test
    void closesWith1002OnAMalformedFrameAndReconnects() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent(config());

        tunnel.sendRaw(new byte[] {0x7f, 0, 0, 0, 0, 0});

        await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.closeCode != null);
        assertThat(tunnel.closeCode).isEqualTo((short) 1002);
        assertThat(tunnel.closeReason).contains("UNKNOWN_TYPE");
        gateway.nextTunnel();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.connectCount() == 2 && agent.isConnected());
        assertThat(agent.disconnectCount()).isEqualTo(1);
    }

    @Test
    void reconnectsAfterTheGatewayDropsTheTunnel() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent(config());

        tunnel.ws.close((short) 1011, "boom");

        gateway.nextTunnel();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.connectCount() == 2 && agent.isConnected());
        assertThat(events).hasSize(3);
        assertThat(events.get(1)).startsWith("down ").contains("1011");
    }

    @Test
    void keepsRetryingWhileTheTokenIsRejectedAndConnectsOnceAccepted() throws Exception {
        gateway.rejectWith = 401;
        agent = new TunnelAgent(vertx, config());
        CompletableFuture<Void> up = agent.start().toCompletionStage().toCompletableFuture();

        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.authorizations.size() >= 3);
        assertThat(up).isNotDone();
        assertThat(agent.isConnected()).isFalse();
        gateway.rejectWith = 0;

        up.get(10, TimeUnit.SECONDS);
        assertThat(agent.isConnected()).isTrue();
    }

    @Test
    void describesHandshakeRefusalsInWordsTheUserCanActOn() {
        assertThat(TunnelAgent.describe(new UpgradeRejectedException("x", 401, null, null)))
                .contains("token rejected");
        assertThat(TunnelAgent.describe(new UpgradeRejectedException("x", 429, null, null)))
                .contains("too many connections for this user");
    }

    @Test
    void goAwayOpensANewTunnelBeforeClosingTheOldOneAfterItsStreamsFinish() throws Exception {
        CompletableFuture<HttpServerRequest> held = new CompletableFuture<>();
        target = held::complete;
        FakeGateway.Tunnel old = startAgent(config());
        old.send(get(1, "/api/generate"));
        HttpServerRequest inFlight = held.get(10, TimeUnit.SECONDS);

        old.send(new Frame.GoAway(GoAwayReason.DRAINING, "rolling update"));

        FakeGateway.Tunnel replacement = gateway.nextTunnel();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.connectCount() == 2);
        assertThat(old.closeCode).isNull();
        assertThat(old.next(Frame.GoAway.class).message()).as("the gateway is told to open no more streams here")
                .contains("moved to a new tunnel");
        inFlight.response().end("finished on the old tunnel");
        old.next(Frame.ResponseHead.class);
        assertThat(body(old, 1)).isEqualTo("finished on the old tunnel");
        await().atMost(Duration.ofSeconds(10)).until(() -> old.closeCode != null);
        assertThat(old.closeCode).isEqualTo((short) 1000);
        assertThat(agent.disconnectCount()).isZero();
        assertThat(agent.isConnected()).isTrue();

        target = req -> req.response().end("new");
        replacement.send(get(1, "/api/tags"));
        replacement.next(Frame.ResponseHead.class);
        assertThat(body(replacement, 1)).isEqualTo("new");
    }

    @Test
    void afterGoAwayTheOldTunnelKeepsServingUntilTheReplacementIsUpThenRefusesNewStreams() throws Exception {
        target = req -> req.response().end("served");
        FakeGateway.Tunnel old = startAgent(config());
        gateway.rejectWith = 503;
        old.send(new Frame.GoAway(GoAwayReason.DRAINING, "rolling update"));

        old.send(get(1, "/api/tags"));
        assertThat(old.next(Frame.ResponseHead.class).status()).as("served while no replacement exists")
                .isEqualTo(200);
        assertThat(body(old, 1)).isEqualTo("served");

        CompletableFuture<HttpServerRequest> held = new CompletableFuture<>();
        target = held::complete;
        old.send(get(2, "/api/generate"));
        HttpServerRequest inFlight = held.get(10, TimeUnit.SECONDS);

        gateway.rejectWith = 0;
        gateway.nextTunnel();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.connectCount() == 2);
        old.next(Frame.GoAway.class);
        old.send(get(3, "/api/tags"));
        Frame.Reset refused = old.next(Frame.Reset.class);
        assertThat(refused.streamId()).isEqualTo(3);
        assertThat(refused.reason()).as("the gateway may route it elsewhere").isEqualTo(ResetReason.REFUSED_STREAM);
        inFlight.response().end("finished");
        assertThat(old.next(Frame.ResponseHead.class).streamId()).isEqualTo(2);
        assertThat(body(old, 2)).as("the stream in flight finishes on the old tunnel").isEqualTo("finished");
    }

    @Test
    void closeShutsTheTunnelWithGoingAway() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent(config());

        get(agent.close());

        await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.closeCode != null);
        assertThat(tunnel.closeCode).isEqualTo((short) 1001);
        assertThat(agent.isConnected()).isFalse();
    }
}
