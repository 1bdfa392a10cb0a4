package dev.localbridge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetPathTest {

    @ParameterizedTest(name = "{0} on base ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', value = {
        "/api/chat                 | ''      | /api/chat",
        "/                         | ''      | /",
        "/api/tags?name=llama3     | ''      | /api/tags?name=llama3",
        "/v1/chat/completions      | /ollama | /ollama/v1/chat/completions",
        "/a/../b                   | /base   | /base/a/../b",
        "/a/./b/                   | ''      | /a/./b/",
        "/search?q=a@b.c           | ''      | /search?q=a@b.c",
        "/search?next=//evil       | ''      | /search?next=//evil",
        "/files/x..y               | ''      | /files/x..y",
        "/api/%20space             | ''      | /api/%20space",
    })
    void acceptsPlainPathsAndAppendsThemToTheBasePath(String target, String base, String expected) throws Exception {
        assertThat(TargetPath.resolve(base, target)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "refuses {0}")
    @ValueSource(strings = {
        "",
        "api/chat",
        "*",
        "http://evil.example/api",
        "https://evil.example",
        "//evil.example/api",
        "///etc/passwd",
        "/\\evil.example",
        "/api\\..\\secret",
        "/user@evil.example/",
        "/api/chat\r\nHost: evil",
        "/api/chat\nX: y",
        "/api/ chat",
        "/api/chat#frag",
        "/..",
        "/../secret",
        "/a/../../secret",
        "/a//../../secret",
        "/%2e%2e/secret",
        "/a/%2E%2E/%2e%2e/secret",
        "/a%2f..%2f..%2fsecret",
        "/a/%5c..",
        "/a\u0000b",
    })
    void refusesTargetsThatCouldLeaveTheConfiguredTarget(String target) {
        assertThatThrownBy(() -> TargetPath.resolve("/base", target))
                .isInstanceOf(TargetPath.RefusedException.class)
                .hasMessageStartingWith("target");
    }

    @Test
    void refusalMessageSaysWhatIsWrong() {
        assertThatThrownBy(() -> TargetPath.check("/../x")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> TargetPath.check("//host/x")).hasMessageContaining("'//'");
        assertThatThrownBy(() -> TargetPath.check("/a@b")).hasMessageContaining("'@'");
    }
}
