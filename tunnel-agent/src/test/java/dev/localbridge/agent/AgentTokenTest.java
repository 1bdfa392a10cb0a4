package dev.localbridge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.localbridge.protocol.Capabilities;
import dev.localbridge.protocol.CloseCode;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.RenewResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's side of token lifetime: it renews an open tunnel in-band when its token source changes (and only with a
 * gateway that announced renewal), reconnects with the current token after 4401, asks its source for a new token after
 * 4403, and stops for good after 4410.
 */
class AgentTokenTest {

    private Vertx vertx;
    private FakeGateway gateway;
    private TunnelAgent agent;
    private final AtomicReference<String> token = new AtomicReference<>("token-1");
    private final AtomicInteger renewNowCalls = new AtomicInteger();

    /** A source whose token the test changes, and which a revocation makes issue "token-after-revocation". */
    private final TokenSource tokens = new TokenSource() {
        @Override
        public String current() {
            return token.get();
        }

        @Override
        public void renewNow() {
            renewNowCalls.incrementAndGet();
            token.set("token-after-revocation");
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        gateway = new FakeGateway(vertx);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            get(agent.close());
        }
        get(vertx.close());
    }

    private FakeGateway.Tunnel startAgent() throws Exception {
        agent = new TunnelAgent(vertx, AgentConfig.ofTokenSource(gateway.url(), tokens)
                .withReconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50)));
        get(agent.start());
        return gateway.nextTunnel();
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static boolean sentRenew(FakeGateway.Tunnel tunnel) {
        return tunnel.all.stream().anyMatch(Frame.Renew.class::isInstance);
    }

    @Test
    void announcesRenewAndRenewsTheOpenTunnelEachTimeItsTokenSourceChanges() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent();
        assertThat(tunnel.hello.capabilities()).contains(Capabilities.RENEW);
        assertThat(gateway.authorizations.poll()).isEqualTo("Bearer token-1");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> !sentRenew(tunnel));

        token.set("token-2");
        assertThat(tunnel.next(Frame.Renew.class).token()).isEqualTo("token-2");
        tunnel.send(new Frame.Renewed(RenewResult.ACCEPTED, 4_000_000_000L, ""));
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> tunnel.all.stream().filter(Frame.Renew.class::isInstance).count() == 1);

        token.set("token-3");
        assertThat(tunnel.next(Frame.Renew.class).token()).isEqualTo("token-3");
        tunnel.send(new Frame.Renewed(RenewResult.OTHER_USER, 4_000_000_000L, "another user"));

        assertThat(agent.connectCount()).as("renewed in-band, never by reconnecting").isEqualTo(1);
        assertThat(agent.isConnected()).as("a refused renewal does not close the tunnel").isTrue();
        assertThat(tunnel.closeCode).isNull();
    }

    @Test
    void sendsNoRenewToAGatewayThatDidNotAnnounceIt() throws Exception {
        gateway.capabilities = List.of(Capabilities.ACCEPT);
        FakeGateway.Tunnel tunnel = startAgent();
        token.set("token-2");
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> !sentRenew(tunnel));
        assertThat(agent.isConnected()).isTrue();
        assertThat(tunnel.closeCode).as("an unknown frame would have been a protocol error").isNull();
    }

    @Test
    void reconnectsWithTheCurrentTokenAfterItExpired4401() throws Exception {
        gateway.capabilities = List.of(Capabilities.ACCEPT);
        FakeGateway.Tunnel tunnel = startAgent();
        assertThat(gateway.authorizations.poll()).isEqualTo("Bearer token-1");
        token.set("token-2");
        tunnel.ws.close(CloseCode.TOKEN_EXPIRED.asShort(), "the token expired and was not renewed");

        gateway.nextTunnel();
        assertThat(gateway.authorizations.poll(10, TimeUnit.SECONDS)).isEqualTo("Bearer token-2");
        assertThat(renewNowCalls).hasValue(0);
        assertThat(agent.stopped().isComplete()).isFalse();
    }

    @Test
    void asksItsTokenSourceForANewTokenBeforeReconnectingAfterARevocation4403() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent();
        assertThat(gateway.authorizations.poll()).isEqualTo("Bearer token-1");
        tunnel.ws.close(CloseCode.ACCESS_REVOKED.asShort(), "access revoked");

        gateway.nextTunnel();
        assertThat(renewNowCalls).hasValue(1);
        assertThat(gateway.authorizations.poll(10, TimeUnit.SECONDS)).isEqualTo("Bearer token-after-revocation");
    }

    @Test
    void stopsForGoodWhenItsUserClosedTheTunnel4410() throws Exception {
        FakeGateway.Tunnel tunnel = startAgent();
        tunnel.ws.close(CloseCode.CLOSED_BY_USER.asShort(), "closed by its user");

        assertThat(get(agent.stopped())).isEqualTo(CloseCode.CLOSED_BY_USER);
        assertThat(agent.isConnected()).isFalse();
        assertThat(gateway.tunnels.poll(1500, TimeUnit.MILLISECONDS)).as("no reconnect").isNull();
        assertThat(renewNowCalls).hasValue(0);
    }
}
