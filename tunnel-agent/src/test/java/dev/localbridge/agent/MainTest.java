package dev.localbridge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    @TempDir
    Path configDir;

    private final Map<String, String> env = new HashMap<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine commandLine(Main main) {
        env.putIfAbsent("TUNNEL_CONFIG_DIR", configDir.toString());
        CommandLine cmd = Main.commandLine(main, env::get);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd;
    }

    private AgentConfig parse(String... args) {
        Main main = new Main();
        commandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void helpMentionsEveryOptionAndItsEnvironmentVariable() {
        CommandLine cmd = commandLine(new Main());
        cmd.setUsageHelpWidth(200);

        int code = cmd.execute("--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("--gateway", "--token", "--token-file", "--target",
                "--forward-authorization", "--forward-cookies", "--ping-interval", "--max-streams", "--help",
                "--version", "TUNNEL_GATEWAY_URL", "TUNNEL_TOKEN", "TUNNEL_TARGET", "TUNNEL_PING_INTERVAL",
                "/ws/tunnel", "http://localhost:11434");
    }

    @Test
    void versionNamesTheAgentAndTheProtocol() {
        int code = commandLine(new Main()).execute("--version");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("tunnel-agent").contains("localbridge.tunnel.v2");
    }

    @Test
    void optionsOnTheCommandLineBuildTheConfig() {
        AgentConfig config = parse("--gateway", "https://bridge.example.com", "--token", "t1",
                "--target", "http://127.0.0.1:8080/ollama", "--forward-authorization", "--forward-cookies",
                "--ping-interval", "5000", "--max-streams", "7");

        assertThat(config.gatewayUrl()).isEqualTo(URI.create("wss://bridge.example.com/ws/tunnel"));
        assertThat(config.tokens().current()).isEqualTo("t1");
        assertThat(config.targetUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/ollama"));
        assertThat(config.forwardAuthorization()).isTrue();
        assertThat(config.forwardCookies()).isTrue();
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxConcurrentStreams()).isEqualTo(7);
    }

    @Test
    void defaultsMatchTheDocumentedValues() {
        AgentConfig config = parse("--gateway", "ws://localhost:8080/ws/tunnel", "--token", "t1");

        assertThat(config.targetUrl()).isEqualTo(URI.create("http://localhost:11434"));
        assertThat(config.forwardAuthorization()).isFalse();
        assertThat(config.forwardCookies()).isFalse();
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxConcurrentStreams()).isEqualTo(100);
        assertThat(config.reconnectMinBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.reconnectMaxBackoff()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void environmentVariablesFillInMissingOptions() {
        env.put("TUNNEL_GATEWAY_URL", "http://gw.internal:8080");
        env.put("TUNNEL_TOKEN", "env-token");
        env.put("TUNNEL_TARGET", "http://localhost:9999");
        env.put("TUNNEL_PING_INTERVAL", "1234");

        AgentConfig config = parse();

        assertThat(config.gatewayUrl()).isEqualTo(URI.create("ws://gw.internal:8080/ws/tunnel"));
        assertThat(config.tokens().current()).isEqualTo("env-token");
        assertThat(config.targetUrl()).isEqualTo(URI.create("http://localhost:9999"));
        assertThat(config.pingInterval()).isEqualTo(Duration.ofMillis(1234));
    }

    @Test
    void commandLineOptionsWinOverEnvironmentVariables() {
        env.put("TUNNEL_GATEWAY_URL", "http://from-env");
        env.put("TUNNEL_TOKEN", "env-token");

        AgentConfig config = parse("--gateway", "https://from-flag", "--token", "flag-token");

        assertThat(config.gatewayUrl().getHost()).isEqualTo("from-flag");
        assertThat(config.tokens().current()).isEqualTo("flag-token");
    }

    @Test
    void tokenFileIsReadAgainOnEveryCall(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first\n");
        env.put("TUNNEL_TOKEN", "env-token");

        AgentConfig config = parse("--gateway", "https://gw", "--token-file", file.toString());

        assertThat(config.tokens().current()).isEqualTo("first");
        Files.writeString(file, "second");
        assertThat(config.tokens().current()).isEqualTo("second");
    }

    @Test
    void neitherTokenNorLoginIsExitCode5WithOneLine() {
        int code = commandLine(new Main()).execute("--gateway", "https://gw");

        assertThat(code).isEqualTo(5);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("Not signed in")
                .contains("tunnel-agent login").contains("--token-file");
    }

    @Test
    void missingGatewayIsAUsageErrorWithExitCode2() {
        int code = commandLine(new Main()).execute("--token", "t");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Missing gateway");
    }

    @Test
    void unreadableTokenFileIsAUsageErrorWithExitCode2(@TempDir Path dir) {
        int code = commandLine(new Main()).execute("--gateway", "https://gw", "--token-file",
                dir.resolve("absent").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Cannot read the token file");
    }

    @Test
    void tokenAndTokenFileTogetherAreRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "x");

        assertThatThrownBy(() -> parse("--gateway", "https://gw", "--token", "t", "--token-file", file.toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("either");
    }

    @Test
    void badTargetIsAUsageErrorWithExitCode2() {
        int code = commandLine(new Main()).execute("--gateway", "https://gw", "--token", "t", "--target",
                "ftp://nas");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("target URL");
    }

    @Test
    void usageErrorsNeverEchoTheToken() {
        int code = commandLine(new Main()).execute("--gateway", "ftp://gw?token=secret-jwt", "--token", "t");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).doesNotContain("secret-jwt");
    }
}
