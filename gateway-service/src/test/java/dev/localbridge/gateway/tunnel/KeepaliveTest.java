package dev.localbridge.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.protocol.Frame;
import dev.localbridge.protocol.FrameCodec;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/** {@code TUNNEL_PING_INTERVAL}: the gateway pings, and closes a peer that stays silent for three intervals. */
@QuarkusTest
@TestProfile(KeepaliveTest.FastPings.class)
class KeepaliveTest {

    @TestHTTPResource("/")
    URI base;

    private final FrameCodec codec = new FrameCodec();

    @Test
    void pingsTheAgentAndClosesItWith4408WhenItStaysSilent() {
        try (RawTunnels raw = new RawTunnels(base)) {
            WebSocket silent = raw.connectAndHello(raw.options("/ws/tunnel")
                    .addHeader("Authorization", "Bearer " + Tokens.forUser("silent"))).join();
            AtomicInteger pings = new AtomicInteger();
            AtomicReference<Short> code = new AtomicReference<>();
            silent.binaryMessageHandler(b -> pings.incrementAndGet());
            silent.closeHandler(v -> code.set(silent.closeStatusCode()));
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).until(() -> code.get() != null);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(code.get()).isEqualTo((short) 4408);
            assertThat(pings.get()).as("pings before giving up").isGreaterThanOrEqualTo(2);
            assertThat(elapsedMillis).as("not before three silent intervals").isGreaterThanOrEqualTo(550);
        }
    }

    @Test
    void keepsAPeerThatAnswersAlive() throws Exception {
        try (RawTunnels raw = new RawTunnels(base)) {
            WebSocket polite = raw.connectAndHello(raw.options("/ws/tunnel")
                    .addHeader("Authorization", "Bearer " + Tokens.forUser("polite"))).join();
            AtomicInteger pongsSent = new AtomicInteger();
            polite.binaryMessageHandler(b -> {
                try {
                    if (codec.decode(b.getBytes()) instanceof Frame.Ping ping) {
                        polite.writeBinaryMessage(Buffer.buffer(codec.encode(new Frame.Pong(ping.payload()))));
                        pongsSent.incrementAndGet();
                    }
                } catch (dev.localbridge.protocol.ProtocolException e) {
                    throw new AssertionError(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> pongsSent.get() >= 8);
            assertThat(polite.isClosed()).as("still open after 8 intervals").isFalse();
            polite.close();
        }
    }

    /** Pings every 200 ms. */
    public static class FastPings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tunnel.ping-interval", "200");
        }
    }
}
