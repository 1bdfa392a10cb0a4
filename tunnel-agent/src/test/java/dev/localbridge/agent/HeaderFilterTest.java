package dev.localbridge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.localbridge.protocol.Header;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderFilterTest {

    private static final List<Header> CALLER_HEADERS = List.of(
            new Header("Host", "bridge.example.com"),
            new Header("Origin", "https://app.example.com"),
            new Header("Authorization", "Bearer caller-token"),
            new Header("Cookie", "session=1"),
            new Header("Connection", "keep-alive, X-Hop"),
            new Header("X-Hop", "1"),
            new Header("Keep-Alive", "timeout=5"),
            new Header("Proxy-Connection", "keep-alive"),
            new Header("Proxy-Authorization", "Basic abc"),
            new Header("TE", "trailers"),
            new Header("Trailer", "X-Checksum"),
            new Header("Transfer-Encoding", "chunked"),
            new Header("Upgrade", "websocket"),
            new Header("Expect", "100-continue"),
            new Header("Content-Type", "application/json"),
            new Header("Accept", "application/x-ndjson"),
            new Header("Accept", "text/event-stream"));

    @Test
    void requestKeepsEndToEndHeadersInOrderWithRepeats() {
        MultiMap out = new HeaderFilter("localhost:11434", false, false).toTarget(CALLER_HEADERS);

        assertThat(out.get("Content-Type")).isEqualTo("application/json");
        assertThat(out.getAll("Accept")).containsExactly("application/x-ndjson", "text/event-stream");
    }

    @Test
    void requestStripsHopByHopHeadersAndTheNamesConnectionLists() {
        MultiMap out = new HeaderFilter("localhost:11434", false, false).toTarget(CALLER_HEADERS);

        assertThat(out.names()).map(String::toLowerCase).doesNotContain("connection", "x-hop", "keep-alive",
                "proxy-connection", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
                "expect");
    }

    @Test
    void requestRewritesHostToTheTargetAndDropsOrigin() {
        MultiMap out = new HeaderFilter("localhost:11434", false, false).toTarget(CALLER_HEADERS);

        assertThat(out.getAll("Host")).containsExactly("localhost:11434");
        assertThat(out.contains("Origin")).isFalse();
    }

    @Test
    void requestDropsAuthorizationAndCookieByDefault() {
        MultiMap out = new HeaderFilter("localhost:11434", false, false).toTarget(CALLER_HEADERS);

        assertThat(out.contains("Authorization")).isFalse();
        assertThat(out.contains("Cookie")).isFalse();
    }

    @Test
    void requestForwardsAuthorizationAndCookieWhenConfigured() {
        MultiMap out = new HeaderFilter("localhost:11434", true, true).toTarget(CALLER_HEADERS);

        assertThat(out.get("Authorization")).isEqualTo("Bearer caller-token");
        assertThat(out.get("Cookie")).isEqualTo("session=1");
    }

    @Test
    void responseStripsHopByHopHeadersAndKeepsTheRest() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/x-ndjson")
                .add("Transfer-Encoding", "chunked")
                .add("Connection", "close, X-Private")
                .add("X-Private", "x")
                .add("Keep-Alive", "timeout=5")
                .add("Set-Cookie", "a=1")
                .add("Set-Cookie", "b=2")
                .add("Content-Length", "12");

        List<Header> out = HeaderFilter.toGateway(headers);

        assertThat(out).extracting(Header::name).containsExactly("Content-Type", "Set-Cookie", "Set-Cookie",
                "Content-Length");
        assertThat(out).filteredOn(h -> h.name().equals("Set-Cookie")).extracting(Header::value)
                .containsExactly("a=1", "b=2");
    }
}
