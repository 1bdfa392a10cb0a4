package dev.localbridge.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.localbridge.agent.AgentConfig;
import dev.localbridge.agent.TokenSource;
import dev.localbridge.agent.TunnelAgent;
import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.FakeOllamaResource;
import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.protocol.Capabilities;
import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import dev.localbridge.protocol.ProtocolException;
import dev.localbridge.protocol.RenewResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/**
 * A tunnel serves only as long as its token: one whose token expired and was not renewed within
 * {@code TUNNEL_TOKEN_GRACE} is closed with 4401 (an agent that cannot renew is served until then); a renewal with a
 * fresh token of the same user extends it in-band while requests keep succeeding; a renewal with another user's, an
 * invalid or an expired token is refused and extends nothing.
 */
@QuarkusTest
@QuarkusTestResource(FakeOllamaResource.class)
@TestProfile(TokenRenewalTest.ShortGrace.class)
class TokenRenewalTest {

    static final long GRACE_MS = 3000;

    @TestHTTPResource("/")
    URI base;

    @Inject
    LocalTunnels tunnels;

    @Inject
    MeterRegistry registry;

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

    /** A token of {@code user} that expires {@code seconds} from now (exp in whole seconds). */
    private static String tokenExpiringAt(String user, long exp) {
        return Tokens.sign(Jwt.subject(user).issuer(Tokens.ISSUER).expiresAt(exp));
    }

    /**
     * A raw agent with a token expiring at {@code exp}, announcing {@code capabilities}: answers every request with an
     * empty 200, collects the gateway's renewal answers in {@code answers} and its close code in {@code closed}.
     */
    private WebSocket rawAgent(String user, long exp, BlockingQueue<Frame.Renewed> answers,
            AtomicReference<Long> closedAtMillis, AtomicReference<Short> closeCode, String... capabilities) {
        WebSocket ws = raw.connectAndHello(raw.options("/ws/tunnel")
                .addHeader("Authorization", "Bearer " + tokenExpiringAt(user, exp)), capabilities).join();
        ws.binaryMessageHandler(b -> {
            Frame frame = decode(b);
            if (frame instanceof Frame.RequestHead head) {
                send(ws, new Frame.ResponseHead(head.streamId(), 200, List.of(), true));
            } else if (frame instanceof Frame.Renewed renewed) {
                answers.add(renewed);
            }
        });
        ws.closeHandler(v -> {
            closedAtMillis.set(System.currentTimeMillis());
            closeCode.set(ws.closeStatusCode());
        });
        return ws;
    }

    private Frame.Renewed renew(WebSocket ws, BlockingQueue<Frame.Renewed> answers, String token)
            throws InterruptedException {
        send(ws, new Frame.Renew(token));
        Frame.Renewed answer = answers.poll(10, TimeUnit.SECONDS);
        assertThat(answer).as("the gateway's answer").isNotNull();
        return answer;
    }

    private int get(String user) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/api/tunnel/" + user + "/api/tags"))
                .header("Authorization", "Bearer " + Tokens.forUser(user)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private double count(String name, String... tags) {
        return registry.counter(name, tags).count();
    }

    private static void awaitClock(long epochMillis) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.currentTimeMillis() > epochMillis);
    }

    @Test
    void anAgentThatCannotRenewIsServedUntilExpiryPlusGraceThenClosedWith4401() throws Exception {
        String user = "renew-never";
        long exp = Instant.now().getEpochSecond() + 2;
        double expiryCloses = count("localbridge.tunnel.expiry.closes");
        AtomicReference<Long> closedAt = new AtomicReference<>();
        AtomicReference<Short> code = new AtomicReference<>();
        rawAgent(user, exp, new LinkedBlockingQueue<>(), closedAt, code);
        assertThat(tunnels.connections(user).getFirst().tokenValidUntil()).isEqualTo(exp);

        awaitClock(exp * 1000 + 300);
        assertThat(get(user)).as("expired, but within the grace").isEqualTo(200);
        assertThat(code.get()).isNull();

        await().atMost(Duration.ofSeconds(15)).until(() -> code.get() != null);
        assertThat(code.get()).isEqualTo(CloseCode.TOKEN_EXPIRED.asShort());
        assertThat(closedAt.get()).as("not before exp + grace").isGreaterThanOrEqualTo(exp * 1000 + GRACE_MS);
        assertThat(count("localbridge.tunnel.expiry.closes")).isEqualTo(expiryCloses + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> tunnels.connections(user).isEmpty());
    }

    @Test
    void aRenewalWithAFreshTokenOfTheSameUserKeepsTheTunnelPastItsOldExpiry() throws Exception {
        String user = "renew-fresh";
        long exp = Instant.now().getEpochSecond() + 2;
        double accepted = count("localbridge.token.renewals", "result", "accepted");
        BlockingQueue<Frame.Renewed> answers = new LinkedBlockingQueue<>();
        AtomicReference<Short> code = new AtomicReference<>();
        WebSocket ws = rawAgent(user, exp, answers, new AtomicReference<>(), code, Capabilities.ACCEPT,
                Capabilities.RENEW);
        TunnelConnection tunnel = tunnels.connections(user).getFirst();

        long freshExp = Instant.now().getEpochSecond() + 3600;
        Frame.Renewed answer = renew(ws, answers, tokenExpiringAt(user, freshExp));
        assertThat(answer).isEqualTo(new Frame.Renewed(RenewResult.ACCEPTED, freshExp, ""));
        assertThat(tunnel.tokenValidUntil()).isEqualTo(freshExp);
        assertThat(count("localbridge.token.renewals", "result", "accepted")).isEqualTo(accepted + 1);

        awaitClock(exp * 1000 + GRACE_MS + 1000);
        assertThat(code.get()).as("still open past the old exp + grace").isNull();
        assertThat(tunnels.connections(user)).containsExactly(tunnel);
        assertThat(get(user)).isEqualTo(200);
        ws.close();
    }

    @Test
    void aRenewalWithAnotherUsersAnInvalidOrAnExpiredTokenIsRefusedAndExtendsNothing() throws Exception {
        String user = "renew-refused";
        long exp = Instant.now().getEpochSecond() + 2;
        double refused = count("localbridge.token.renewals", "result", "refused");
        BlockingQueue<Frame.Renewed> answers = new LinkedBlockingQueue<>();
        AtomicReference<Long> closedAt = new AtomicReference<>();
        AtomicReference<Short> code = new AtomicReference<>();
        WebSocket ws = rawAgent(user, exp, answers, closedAt, code, Capabilities.RENEW);
        TunnelConnection tunnel = tunnels.connections(user).getFirst();

        assertThat(renew(ws, answers, Tokens.forUser("renew-someone-else")).result())
                .isEqualTo(RenewResult.OTHER_USER);
        assertThat(renew(ws, answers, "not.a.jwt").result()).isEqualTo(RenewResult.INVALID_TOKEN);
        assertThat(renew(ws, answers, Tokens.wrongIssuer(user)).result()).isEqualTo(RenewResult.INVALID_TOKEN);
        Frame.Renewed expired = renew(ws, answers, Tokens.expired(user));
        assertThat(expired.result()).isEqualTo(RenewResult.TOKEN_EXPIRED);
        assertThat(expired.validUntil()).as("the unchanged validity").isEqualTo(exp);
        assertThat(tunnel.tokenValidUntil()).isEqualTo(exp);
        assertThat(count("localbridge.token.renewals", "result", "refused")).isEqualTo(refused + 4);
        assertThat(code.get()).as("a refused renewal does not close the tunnel").isNull();
        assertThat(get(user)).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> code.get() != null);
        assertThat(code.get()).isEqualTo(CloseCode.TOKEN_EXPIRED.asShort());
        assertThat(closedAt.get()).isGreaterThanOrEqualTo(exp * 1000 + GRACE_MS);
    }

    /**
     * The real agent with a source whose tokens live 3 s and are replaced every 1.5 s: over 12 s (more than twice what
     * an unrenewed tunnel would live: exp + 3 s grace) every request succeeds on one tunnel that never drops.
     */
    @Test
    void theAgentRenewsItsShortLivedTokensInBandAndNoRequestFails() throws Exception {
        String user = "renew-agent";
        TokenSource shortLived = new TokenSource() {
            private String token;
            private long mintedAt;

            @Override
            public synchronized String current() {
                if (token == null || System.currentTimeMillis() - mintedAt >= 1500) {
                    mintedAt = System.currentTimeMillis();
                    token = tokenExpiringAt(user, Instant.now().getEpochSecond() + 3);
                }
                return token;
            }
        };
        double accepted = count("localbridge.token.renewals", "result", "accepted");
        Vertx vertx = Vertx.vertx();
        TunnelAgent agent = new TunnelAgent(vertx, AgentConfig.ofTokenSource(base.resolve("/ws/tunnel").toString(),
                shortLived).withTargetUrl(fake.url()));
        try {
            agent.start().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            TunnelConnection tunnel = tunnels.connections(user).getFirst();
            long firstValidity = tunnel.tokenValidUntil();
            AtomicLong requests = new AtomicLong();
            long end = System.currentTimeMillis() + 12_000;
            while (System.currentTimeMillis() < end) {
                assertThat(get(user)).as("request %d", requests.get()).isEqualTo(200);
                requests.incrementAndGet();
                Thread.sleep(50);
            }
            assertThat(requests.get()).isGreaterThan(20);
            assertThat(tunnels.connections(user)).as("the same tunnel all along").containsExactly(tunnel);
            assertThat(agent.connectCount()).isEqualTo(1);
            assertThat(agent.disconnectCount()).isZero();
            assertThat(tunnel.tokenValidUntil()).isGreaterThan(firstValidity + 8);
            assertThat(count("localbridge.token.renewals", "result", "accepted")).isGreaterThanOrEqualTo(
                    accepted + 5);
        } finally {
            agent.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    private void send(WebSocket ws, Frame frame) {
        ws.writeBinaryMessage(Buffer.buffer(codec.encode(frame)));
    }

    private Frame decode(Buffer message) {
        try {
            return codec.decode(message.getBytes());
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }

    /** Three seconds of grace, so that the tests see a tunnel close within seconds of its token's expiry. */
    public static class ShortGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tunnel.token-grace", Long.toString(GRACE_MS));
        }
    }
}
