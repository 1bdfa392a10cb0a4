package dev.localbridge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GatewayUrlTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "https://bridge.example.com, wss://bridge.example.com/ws/tunnel",
        "https://bridge.example.com/, wss://bridge.example.com/ws/tunnel",
        "http://localhost:8080, ws://localhost:8080/ws/tunnel",
        "wss://bridge.example.com/custom/path, wss://bridge.example.com/custom/path",
        "ws://127.0.0.1:9000/ws/tunnel, ws://127.0.0.1:9000/ws/tunnel",
        "HTTPS://bridge.example.com, wss://bridge.example.com/ws/tunnel",
        "https://bridge.example.com?token=abc, wss://bridge.example.com/ws/tunnel?token=abc",
    })
    void mapsHttpToWebSocketSchemesAndDefaultsThePath(String given, String expected) {
        assertThat(GatewayUrl.normalize(given)).hasToString(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://bridge.example.com", "bridge.example.com", "https://", "not a url"})
    void refusesUrlsThatAreNotHttpOrWebSocket(String given) {
        assertThatThrownBy(() -> GatewayUrl.normalize(given)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void redactsTokenQueryParameters() {
        assertThat(GatewayUrl.redact("wss://h/ws/tunnel?x=1&token=eyJabc.def&y=2"))
                .isEqualTo("wss://h/ws/tunnel?x=1&token=***&y=2");
        assertThat(GatewayUrl.redact("wss://h/ws/tunnel?TOKEN=eyJabc")).isEqualTo("wss://h/ws/tunnel?TOKEN=***");
    }

    @Test
    void errorMessagesDoNotShowTheToken() {
        assertThatThrownBy(() -> GatewayUrl.normalize("ftp://h/?token=secret"))
                .message().doesNotContain("secret");
    }
}
