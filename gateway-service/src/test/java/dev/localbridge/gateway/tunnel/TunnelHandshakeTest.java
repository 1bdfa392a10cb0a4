package dev.localbridge.gateway.tunnel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Agents;
import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.FakeOllamaResource;
import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.protocol.TunnelProtocol;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/** The agent endpoint: refusals before 101, the three ways to carry a token, and a misbehaving agent. */
@QuarkusTest
@QuarkusTestResource(FakeOllamaResource.class)
class TunnelHandshakeTest {

    @TestHTTPResource("/")
    URI base;

    FakeOllama fake;
    RawTunnels raw;

    @BeforeEach
    void client() {
        raw = new RawTunnels(base);
    }

    @AfterEach
    void closeClient() {
        raw.close();
    }

    @Test
    void refusesUpgradeWithoutTokenWith401() {
        assertThat(raw.upgradeStatus(raw.options("/ws/tunnel"))).isEqualTo(401);
    }

    @Test
    void refusesUpgradeWithBadOrExpiredTokenWith401() {
        assertThat(raw.upgradeStatus(raw.options("/ws/tunnel").addHeader("Authorization", "Bearer junk")))
                .isEqualTo(401);
        assertThat(raw.upgradeStatus(raw.options("/ws/tunnel")
                .addHeader("Authorization", "Bearer " + Tokens.expired("u-expired")))).isEqualTo(401);
    }

    @Test
    void acceptsTheTokenAsHeaderSubprotocolOrQueryParameter() {
        assertThat(raw.upgradeStatus(raw.options("/ws/tunnel")
                .addHeader("Authorization", "Bearer " + Tokens.forUser("carrier-header")))).isEqualTo(101);
        assertThat(raw.upgradeStatus(raw.options("/ws/tunnel").setSubProtocols(List.of(
                TunnelProtocol.SUBPROTOCOL_V2, TunnelProtocol.BEARER_TOKEN_CARRIER,
                Tokens.forUser("carrier-subprotocol"))))).isEqualTo(101);
        assertThat(raw.upgradeStatus(raw.options("/ws/tunnel?token=" + Tokens.forUser("carrier-query"))))
                .isEqualTo(101);
    }

    @Test
    void refusesConnectionsAboveThePerUserLimitWith429() {
        String token = Tokens.forUser("greedy");
        List<WebSocket> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(raw.connect(raw.options("/ws/tunnel").addHeader("Authorization", "Bearer " + token)).join());
        }
        assertThat(raw.upgradeStatus(raw.options("/ws/tunnel").addHeader("Authorization", "Bearer " + token)))
                .isEqualTo(429);
        open.get(0).close();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                raw.upgradeStatus(raw.options("/ws/tunnel").addHeader("Authorization", "Bearer " + token)) == 101);
        open.forEach(WebSocket::close);
    }

    @Test
    void malformedFramesCloseOnlyTheMisbehavingTunnel() {
        try (Agents agents = new Agents(base)) {
            agents.connect("well-behaved", fake.url());
            WebSocket bad = raw.connectAndHello(raw.options("/ws/tunnel")
                    .addHeader("Authorization", "Bearer " + Tokens.forUser("misbehaving"))).join();
            AtomicReference<Short> closeCode = new AtomicReference<>();
            bad.closeHandler(v -> closeCode.set(bad.closeStatusCode()));
            bad.writeBinaryMessage(Buffer.buffer(new byte[] {0x7f, 0, 0, 0, 0, 1, 2, 3}));
            await().atMost(Duration.ofSeconds(5)).until(() -> closeCode.get() != null);
            assertThat(closeCode.get()).isEqualTo((short) 1002);

            given().auth().oauth2(Tokens.forUser("well-behaved")).get("/api/tunnel/well-behaved/api/tags")
                    .then().statusCode(200).body("models[0].name", equalTo("llama3:8b"));
        }
    }

    @Test
    void aFrameForAStreamNeverOpenedIsAProtocolError() {
        WebSocket bad = raw.connectAndHello(raw.options("/ws/tunnel")
                .addHeader("Authorization", "Bearer " + Tokens.forUser("stream-liar"))).join();
        AtomicReference<Short> closeCode = new AtomicReference<>();
        bad.closeHandler(v -> closeCode.set(bad.closeStatusCode()));
        bad.writeBinaryMessage(Buffer.buffer(new dev.localbridge.protocol.FrameCodec()
                .encode(new dev.localbridge.protocol.Frame.ResponseEnd(77))));
        await().atMost(Duration.ofSeconds(5)).until(() -> closeCode.get() != null);
        assertThat(closeCode.get()).isEqualTo((short) 1002);
    }
}
