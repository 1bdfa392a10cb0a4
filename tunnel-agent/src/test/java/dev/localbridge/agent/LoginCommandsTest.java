package dev.localbridge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.localbridge.agent.login.FakeOidcProvider;
import dev.localbridge.agent.login.LoginState;
import dev.localbridge.agent.login.LoginStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code login}, {@code whoami}, {@code logout} and the agent's use of the login, as a user runs them. */
class LoginCommandsTest {

    private static final Pattern SIGNED_IN = Pattern.compile(
            "Signed in as (\\S+) \\(issuer (\\S+)\\), access token valid until (\\S+)");

    @TempDir
    Path configDir;

    private final FakeOidcProvider idp;
    private final Map<String, String> env = new HashMap<>();
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    LoginCommandsTest() throws Exception {
        idp = new FakeOidcProvider();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    private int run(Main main, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        env.putIfAbsent("TUNNEL_CONFIG_DIR", configDir.toString());
        CommandLine cmd = Main.commandLine(main, env::get);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private int run(String... args) {
        return run(new Main(), args);
    }

    private int deviceLogin() {
        idp.deviceAnswers("ok");
        return run("login", "--issuer", idp.issuer(), "--client-id", FakeOidcProvider.CLIENT_ID, "--device");
    }

    private LoginState stored() throws Exception {
        return new LoginStore(configDir).load().orElseThrow();
    }

    @Test
    void deviceLoginPrintsTheCodeAndSavesTheLoginForTheUserOnly() throws Exception {
        idp.deviceAnswers("authorization_pending", "ok");

        int code = run("login", "--issuer", idp.issuer(), "--client-id", FakeOidcProvider.CLIENT_ID, "--device");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("To sign in, open " + idp.issuer() + "/device-page and enter the code"
                + " WDJB-MJHT", "Or open: ");
        Matcher m = SIGNED_IN.matcher(out.toString());
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo(FakeOidcProvider.USERNAME);
        assertThat(m.group(2)).isEqualTo(idp.issuer());
        assertThat(Instant.parse(m.group(3))).isAfter(Instant.now().plusSeconds(250));
        Path file = configDir.resolve(LoginStore.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configDir))).isEqualTo("rwx------");
        assertThat(stored().refreshToken()).isEqualTo(idp.validRefreshToken());
        assertThat(out.toString() + err).doesNotContain(stored().accessToken()).doesNotContain(idp.validRefreshToken());
    }

    @Test
    void browserLoginPrintsTheAddressEvenWhenNoBrowserIsTried() throws Exception {
        env.put("TUNNEL_NO_BROWSER", "true");
        AtomicInteger opened = new AtomicInteger();
        Main main = new Main();
        main.browser = address -> opened.incrementAndGet() > 0;
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> run(main, "login", "--issuer",
                idp.issuer(), "--client-id", FakeOidcProvider.CLIENT_ID, "--audience", "localbridge"));
        Pattern prompt = Pattern.compile("Open this address in a browser to sign in: (\\S+)");
        await().atMost(5, TimeUnit.SECONDS).until(() -> prompt.matcher(out.toString()).find());
        Matcher m = prompt.matcher(out.toString());
        assertThat(m.find()).isTrue();

        HttpResponse<String> page = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(m.group(1))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(code.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(opened).hasValue(0);
        assertThat(out.toString()).containsPattern(SIGNED_IN);
        assertThat(stored().audience()).isEqualTo("localbridge");
    }

    @Test
    void aDeniedLoginIsAClearErrorWithExitCode1AndSavesNothing() {
        idp.deviceAnswers("access_denied");

        int code = run("login", "--issuer", idp.issuer(), "--client-id", FakeOidcProvider.CLIENT_ID, "--device");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("Sign-in failed: the sign-in was denied");
        assertThat(configDir.resolve(LoginStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void loginWithoutIssuerIsAUsageError() {
        int code = run("login", "--client-id", "x");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Missing issuer", "TUNNEL_LOGIN_ISSUER", "tunnel-agent login --help");
    }

    @Test
    void whoamiSaysWhoAndUntilWhen() throws Exception {
        deviceLogin();

        int code = run("whoami");

        assertThat(code).isZero();
        assertThat(out.toString()).containsPattern(SIGNED_IN).contains("Subject: " + FakeOidcProvider.SUBJECT)
                .contains(configDir.resolve(LoginStore.FILE_NAME).toString());
    }

    @Test
    void configDirOptionWorksBeforeAndAfterTheSubcommand(@TempDir Path other) {
        deviceLogin();

        assertThat(run("whoami", "--config-dir", other.toString())).isEqualTo(5);
        assertThat(run("--config-dir", other.toString(), "whoami")).isEqualTo(5);
        assertThat(run("whoami", "--config-dir", configDir.toString())).isZero();
    }

    @Test
    void logoutRevokesTheRefreshTokenAndDeletesTheFile() throws Exception {
        deviceLogin();
        String refreshToken = stored().refreshToken();

        int code = run("logout");

        assertThat(code).isZero();
        assertThat(idp.revocations()).singleElement().satisfies(form -> assertThat(form)
                .containsEntry("token", refreshToken).containsEntry("token_type_hint", "refresh_token")
                .containsEntry("client_id", FakeOidcProvider.CLIENT_ID));
        assertThat(out.toString()).contains("Revoked the sign-in", "Signed out");
        assertThat(configDir.resolve(LoginStore.FILE_NAME)).doesNotExist();
        assertThat(run("whoami")).isEqualTo(5);
        assertThat(err.toString()).contains("Not signed in");
    }

    @Test
    void logoutWithoutRevocationStillDeletesAndSaysTheTokensLive() throws Exception {
        idp.offerRevocation = false;
        deviceLogin();

        int code = run("logout");

        assertThat(code).isZero();
        assertThat(idp.revocations()).isEmpty();
        assertThat(out.toString()).contains("offers no revocation");
        assertThat(configDir.resolve(LoginStore.FILE_NAME)).doesNotExist();
    }

    @Test
    void theAgentUsesTheLoginWhenGivenNoToken() throws Exception {
        deviceLogin();
        Main main = new Main();
        env.putIfAbsent("TUNNEL_CONFIG_DIR", configDir.toString());
        Main.commandLine(main, env::get).parseArgs("--gateway", "https://gw");

        AgentConfig config = main.config();

        assertThat(config.tokens().current()).isEqualTo(stored().accessToken());
    }

    @Test
    void aRefusedRefreshWhileTheAgentRunsExitsWithCode4() throws Exception {
        deviceLogin();
        idp.refreshMode = FakeOidcProvider.RefreshMode.INVALID_GRANT;
        AtomicInteger exitCode = new AtomicInteger(-1);
        Main main = new Main();
        main.exit = exitCode::set;
        env.putIfAbsent("TUNNEL_CONFIG_DIR", configDir.toString());
        Main.commandLine(main, env::get).parseArgs("--gateway", "https://gw");
        main.config();

        main.login.start().renewNow();

        await().atMost(5, TimeUnit.SECONDS).until(() -> exitCode.get() == 4);
        main.login.close();
    }
}
