package dev.localbridge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.localbridge.agent.login.FakeOidcProvider;
import dev.localbridge.agent.login.LoginState;
import dev.localbridge.agent.login.LoginStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tunnel-agent keys create|list|revoke} against a small stand-in for the gateway's keys API. */
class KeysCommandTest {

    private static final String KEY = "lbk_" + "A".repeat(43);

    @TempDir
    Path configDir;

    private final FakeOidcProvider idp;
    private final HttpServer gateway;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<JsonObject> created = new CopyOnWriteArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    KeysCommandTest() throws Exception {
        idp = new FakeOidcProvider();
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", this::gatewayApi);
        gateway.start();
    }

    @BeforeEach
    void signIn() {
        idp.deviceAnswers("ok");
        assertThat(run("login", "--issuer", idp.issuer(), "--client-id", FakeOidcProvider.CLIENT_ID, "--device"))
                .isZero();
        env.put("TUNNEL_GATEWAY_URL", "ws://127.0.0.1:" + gateway.getAddress().getPort() + "/ws/tunnel");
    }

    @AfterEach
    void stop() {
        gateway.stop(0);
        idp.close();
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        env.putIfAbsent("TUNNEL_CONFIG_DIR", configDir.toString());
        CommandLine cmd = Main.commandLine(new Main(), env::get);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private LoginState stored() throws IOException {
        return new LoginStore(configDir).load().orElseThrow();
    }

    private void gatewayApi(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String path = exchange.getRequestURI().getPath();
            seen.add(exchange.getRequestMethod() + " " + path + " " + auth);
            if (auth == null || !auth.equals("Bearer " + stored().accessToken())) {
                send(exchange, 401, new JsonObject().put("error", new JsonObject().put("code", "UNAUTHORIZED")
                        .put("message", "token missing or invalid")));
                return;
            }
            switch (exchange.getRequestMethod() + " " + path) {
                case "POST /api/tunnel/keys" -> {
                    JsonObject body = new JsonObject(new String(exchange.getRequestBody().readAllBytes(),
                            StandardCharsets.UTF_8));
                    created.add(body);
                    if (body.getString("name").equals("taken")) {
                        send(exchange, 409, new JsonObject().put("error", new JsonObject()
                                .put("code", "KEY_NAME_TAKEN").put("message", "a key with this name exists")));
                        return;
                    }
                    send(exchange, 201, new JsonObject().put("id", "k1abcdefghij0123456789").put("name",
                            body.getString("name")).put("key", KEY).put("createdAt", 1_767_225_600_000L)
                            .put("expiresAt", 1_775_001_600_000L).put("methods", body.getValue("methods"))
                            .put("pathPrefixes", body.getValue("pathPrefixes")));
                }
                case "GET /api/tunnel/keys" -> send(exchange, 200, new JsonObject().put("keys", new JsonArray()
                        .add(new JsonObject().put("id", "k1abcdefghij0123456789").put("name", "open-webui")
                                .put("createdAt", 1_767_225_600_000L).put("expiresAt", 1_775_001_600_000L)
                                .putNull("lastUsedAt").putNull("methods").putNull("pathPrefixes"))
                        .add(new JsonObject().put("id", "k2abcdefghij0123456789").put("name", "tags-only")
                                .put("createdAt", 1_767_225_600_000L).putNull("expiresAt")
                                .put("lastUsedAt", 1_767_312_000_000L).put("methods", new JsonArray().add("GET"))
                                .put("pathPrefixes", new JsonArray().add("/api/tags")))));
                case "DELETE /api/tunnel/keys/k1abcdefghij0123456789" -> {
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> send(exchange, 404, new JsonObject().put("error", new JsonObject()
                        .put("code", "KEY_NOT_FOUND").put("message", "no such key")));
            }
        }
    }

    private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(bytes);
        }
    }

    @Test
    void createSendsTheLimitsAndPrintsTheKeyOnce() {
        int code = run("keys", "create", "--name", "tags-only", "--expires-in-days", "90", "--method", "GET",
                "--method", "HEAD", "--path-prefix", "/api/tags");

        assertThat(code).isZero();
        assertThat(created).singleElement().isEqualTo(new JsonObject().put("name", "tags-only")
                .put("expiresInDays", 90).put("methods", new JsonArray().add("GET").add("HEAD"))
                .put("pathPrefixes", new JsonArray().add("/api/tags")));
        assertThat(out.toString().lines()).contains(KEY)
                .anySatisfy(line -> assertThat(line).contains("will not be shown again"))
                .filteredOn(line -> line.contains(KEY)).hasSize(1);
        assertThat(out.toString()).contains("k1abcdefghij0123456789", "2026-04-01T00:00:00Z");
        assertThat(seen).singleElement().asString().startsWith("POST /api/tunnel/keys Bearer ");
    }

    @Test
    void createWithoutLimitsSendsOnlyTheName() {
        assertThat(run("keys", "create", "--name", "open-webui")).isZero();

        assertThat(created).singleElement().isEqualTo(new JsonObject().put("name", "open-webui"));
    }

    @Test
    void aRefusedCreateShowsTheGatewaysError() {
        int code = run("keys", "create", "--name", "taken");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("HTTP 409", "KEY_NAME_TAKEN", "a key with this name exists");
        assertThat(out.toString()).doesNotContain("lbk_");
    }

    @Test
    void listPrintsATable() {
        int code = run("keys", "list", "--gateway", "http://127.0.0.1:" + gateway.getAddress().getPort());

        assertThat(code).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("ID").contains("NAME", "CREATED", "EXPIRES", "LAST USED", "METHODS",
                "PATHS");
        assertThat(lines.get(1)).contains("k1abcdefghij0123456789", "open-webui", "2026-04-01T00:00:00Z", "never",
                "any");
        assertThat(lines.get(2)).contains("tags-only", "GET", "/api/tags", "2026-01-02T00:00:00Z");
        assertThat(lines.get(2).indexOf("tags-only")).isEqualTo(lines.get(1).indexOf("open-webui"));
    }

    @Test
    void revokeDeletesTheKeyAndSaysWhenThereIsNone() {
        assertThat(run("keys", "revoke", "k1abcdefghij0123456789")).isZero();
        assertThat(out.toString()).contains("Revoked key k1abcdefghij0123456789");

        assertThat(run("keys", "revoke", "k9nosuchkey")).isEqualTo(1);
        assertThat(err.toString()).contains("No key k9nosuchkey");

        assertThat(run("keys", "revoke", "../admin")).isEqualTo(2);
        assertThat(seen).hasSize(2);
    }

    @Test
    void anExpiredAccessTokenIsRenewedFirst() throws Exception {
        LoginState login = stored();
        new LoginStore(configDir).save(new LoginState(login.issuer(), login.clientId(), login.audience(),
                login.scope(), login.tokenEndpoint(), login.revocationEndpoint(), login.accessToken(),
                Instant.now().minusSeconds(600), Instant.now().minusSeconds(300), login.refreshToken(),
                login.subject(), login.username()));

        assertThat(run("keys", "list")).isZero();

        assertThat(stored().accessToken()).isNotEqualTo(login.accessToken());
        assertThat(idp.refreshAttempts()).isEqualTo(1);
    }

    @Test
    void aRefusedRenewalIsExitCode4AndNotSignedInIs5() throws Exception {
        LoginState login = stored();
        new LoginStore(configDir).save(new LoginState(login.issuer(), login.clientId(), login.audience(),
                login.scope(), login.tokenEndpoint(), login.revocationEndpoint(), login.accessToken(),
                Instant.now().minusSeconds(600), Instant.now().minusSeconds(300), login.refreshToken(),
                login.subject(), login.username()));
        idp.refreshMode = FakeOidcProvider.RefreshMode.INVALID_GRANT;

        assertThat(run("keys", "list")).isEqualTo(4);
        assertThat(err.toString()).contains("no longer valid", "tunnel-agent login");

        new LoginStore(configDir).delete();
        assertThat(run("keys", "list")).isEqualTo(5);
        assertThat(seen).isEmpty();
    }
}
