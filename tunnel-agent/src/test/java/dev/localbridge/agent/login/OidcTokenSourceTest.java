package dev.localbridge.agent.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OidcTokenSourceTest {

    @TempDir
    Path dir;

    private final FakeOidcProvider idp;
    private final HttpClient client = OidcHttp.newClient();
    private final AtomicInteger loginInvalid = new AtomicInteger();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(OidcTokenSource.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private OidcTokenSource source;

    OidcTokenSourceTest() throws Exception {
        idp = new FakeOidcProvider();
    }

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stop() {
        logger.removeHandler(capture);
        if (source != null) {
            source.close();
        }
        idp.close();
    }

    private LoginState signIn() throws Exception {
        idp.deviceAnswers("ok");
        OidcProvider provider = OidcProvider.discover(client, idp.issuer());
        return new DeviceLogin(client, provider, new LoginRequest(FakeOidcProvider.CLIENT_ID, null, null),
                new PrintWriter(new StringWriter()), d -> { }, Clock.systemUTC()).run();
    }

    private OidcTokenSource source(LoginState login) {
        source = new OidcTokenSource(new LoginStore(dir), login, new TokenRefresh(client),
                loginInvalid::incrementAndGet, Duration.ofMillis(50), Duration.ofMillis(200), Clock.systemUTC());
        return source;
    }

    @Test
    void renewsBeforeTheAccessTokenExpiresAndSavesTheRenewal() throws Exception {
        idp.accessTokenLifetimeSeconds = 2;
        LoginState first = signIn();
        OidcTokenSource tokens = source(first).start();
        assertThat(tokens.current()).isEqualTo(first.accessToken());

        await().atMost(5, TimeUnit.SECONDS).until(() -> idp.refreshAttempts() >= 2);

        Instant renewedAt = Instant.now();
        assertThat(tokens.current()).isNotEqualTo(first.accessToken());
        assertThat(tokens.login().accessTokenExpiresAt()).isAfter(renewedAt);
        assertThat(tokens.login().refreshToken()).isNotEqualTo(first.refreshToken());
        await().atMost(2, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(new LoginStore(dir).load().orElseThrow().refreshToken())
                        .isIn(tokens.login().refreshToken(), idp.validRefreshToken()));
        assertThat(loginInvalid).hasValue(0);
        assertThat(idp.tokenRequests()).filteredOn(f -> "refresh_token".equals(f.get("grant_type")))
                .allSatisfy(f -> assertThat(f).containsEntry("client_id", FakeOidcProvider.CLIENT_ID));
    }

    @Test
    void aRefusedRefreshEndsTheLoginWithOneClearLine() throws Exception {
        LoginState login = signIn();
        idp.refreshMode = FakeOidcProvider.RefreshMode.INVALID_GRANT;
        OidcTokenSource tokens = source(login).start();

        tokens.renewNow();

        await().atMost(5, TimeUnit.SECONDS).until(() -> loginInvalid.get() == 1);
        assertThat(logged).filteredOn(r -> r.getLevel() == Level.SEVERE).singleElement().satisfies(r ->
                assertThat(r.getMessage()).startsWith(OidcTokenSource.LOGIN_INVALID).contains("invalid_grant")
                        .doesNotContain(login.refreshToken()).doesNotContain(login.accessToken()));
        tokens.renewNow();
        Thread.sleep(200);
        assertThat(loginInvalid).hasValue(1);
        assertThat(idp.refreshAttempts()).isEqualTo(1);
    }

    @Test
    void anUnreachableProviderIsRetriedWithBackoffWhileTheTokenStaysInUse() throws Exception {
        LoginState login = signIn();
        OidcTokenSource tokens = source(login).start();
        idp.stop();

        tokens.renewNow();
        await().atMost(5, TimeUnit.SECONDS).until(() -> logged.stream()
                .filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("retrying")).count() >= 3);
        assertThat(tokens.current()).isEqualTo(login.accessToken());
        assertThat(loginInvalid).hasValue(0);

        idp.refreshMode = FakeOidcProvider.RefreshMode.UNAVAILABLE;
        idp.restart();
        await().atMost(5, TimeUnit.SECONDS).until(() -> idp.refreshAttempts() >= 2);
        assertThat(tokens.current()).isEqualTo(login.accessToken());

        idp.refreshMode = FakeOidcProvider.RefreshMode.OK;
        await().atMost(5, TimeUnit.SECONDS).until(() -> !tokens.current().equals(login.accessToken()));
        assertThat(loginInvalid).hasValue(0);
    }

    @Test
    void withoutARefreshTokenTheLoginEndsWhenTheAccessTokenExpires() throws Exception {
        LoginState login = signIn();
        Instant now = Instant.now();
        LoginState noRefresh = new LoginState(login.issuer(), login.clientId(), null, login.scope(),
                login.tokenEndpoint(), null, login.accessToken(), now.minusSeconds(10), now.plusMillis(300), null,
                login.subject(), null);

        source(noRefresh).start();

        await().atMost(5, TimeUnit.SECONDS).until(() -> loginInvalid.get() == 1);
        assertThat(idp.refreshAttempts()).isZero();
    }

    @Test
    void renewsAtThreeQuartersOrThirtySecondsBeforeExpiryWhicheverIsFirstButNotBeforeHalf() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        OidcTokenSource tokens = new OidcTokenSource(new LoginStore(dir), LoginStoreTest.sample("a"),
                new TokenRefresh(client), () -> { }, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Clock.fixed(now, ZoneOffset.UTC));

        assertThat(tokens.untilRenewal(lifetime(now, 3600))).isEqualTo(Duration.ofSeconds(2700));
        assertThat(tokens.untilRenewal(lifetime(now, 100))).isEqualTo(Duration.ofSeconds(70));
        assertThat(tokens.untilRenewal(lifetime(now, 40))).isEqualTo(Duration.ofSeconds(20));
        assertThat(tokens.untilRenewal(lifetime(now.minusSeconds(500), 300))).isEqualTo(Duration.ZERO);
        tokens.close();
    }

    private static LoginState lifetime(Instant obtained, long seconds) {
        LoginState s = LoginStoreTest.sample("a");
        return new LoginState(s.issuer(), s.clientId(), s.audience(), s.scope(), s.tokenEndpoint(), null, "a",
                obtained, obtained.plusSeconds(seconds), "r", s.subject(), s.username());
    }
}
