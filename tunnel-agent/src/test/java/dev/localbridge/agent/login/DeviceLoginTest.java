package dev.localbridge.agent.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeviceLoginTest {

    private final FakeOidcProvider idp;
    private final StringWriter printed = new StringWriter();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    DeviceLoginTest() throws Exception {
        idp = new FakeOidcProvider();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    private DeviceLogin login() throws Exception {
        OidcProvider provider = OidcProvider.discover(OidcHttp.newClient(), idp.issuer());
        return new DeviceLogin(OidcHttp.newClient(), provider,
                new LoginRequest(FakeOidcProvider.CLIENT_ID, null, null), new PrintWriter(printed, true),
                waits::add, Clock.systemUTC());
    }

    @Test
    void printsTheCodeAndPollsUntilApproved() throws Exception {
        idp.deviceAnswers("authorization_pending", "authorization_pending", "ok");

        LoginState login = login().run();

        assertThat(printed.toString()).contains("To sign in, open " + idp.issuer() + "/device-page and enter the"
                + " code WDJB-MJHT").contains("Or open: " + idp.issuer() + "/device-page?user_code=WDJB-MJHT");
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(idp.tokenRequests()).hasSize(3).allSatisfy(form -> assertThat(form)
                .containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:device_code")
                .containsEntry("device_code", "device-code-1"));
        assertThat(login.subject()).isEqualTo(FakeOidcProvider.SUBJECT);
        assertThat(login.refreshToken()).isEqualTo(idp.validRefreshToken());
    }

    @Test
    void slowDownAddsFiveSecondsToTheInterval() throws Exception {
        idp.deviceAnswers("authorization_pending", "slow_down", "authorization_pending", "slow_down", "ok");

        login().run();

        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(6),
                Duration.ofSeconds(6), Duration.ofSeconds(11));
    }

    @Test
    void aDeniedSignInEndsWithAClearError() throws Exception {
        idp.deviceAnswers("authorization_pending", "access_denied");
        DeviceLogin login = login();

        assertThatThrownBy(login::run).isInstanceOf(LoginException.class).hasMessage("the sign-in was denied at the"
                + " identity provider");
    }

    @Test
    void anExpiredCodeEndsWithAClearError() throws Exception {
        idp.deviceAnswers("expired_token");
        DeviceLogin login = login();

        assertThatThrownBy(login::run).isInstanceOf(LoginException.class).hasMessageContaining("code expired");
    }

    @Test
    void aProviderWithoutTheDeviceGrantSaysSo() throws Exception {
        idp.offerDevice = false;
        DeviceLogin login = login();

        assertThatThrownBy(login::run).isInstanceOf(LoginException.class).hasMessageContaining("without --device");
    }
}
