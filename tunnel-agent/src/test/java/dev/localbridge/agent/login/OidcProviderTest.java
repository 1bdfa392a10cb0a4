package dev.localbridge.agent.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OidcProviderTest {

    private final FakeOidcProvider idp;

    OidcProviderTest() throws Exception {
        idp = new FakeOidcProvider();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    @Test
    void discoveryNamesTheEndpoints() throws Exception {
        OidcProvider provider = OidcProvider.discover(OidcHttp.newClient(), idp.issuer() + "/");

        assertThat(provider.issuer()).isEqualTo(idp.issuer());
        assertThat(provider.authorizationEndpoint()).isEqualTo(URI.create(idp.issuer() + "/auth"));
        assertThat(provider.tokenEndpoint()).isEqualTo(URI.create(idp.issuer() + "/token"));
        assertThat(provider.deviceAuthorizationEndpoint()).isEqualTo(URI.create(idp.issuer() + "/device"));
        assertThat(provider.revocationEndpoint()).isEqualTo(URI.create(idp.issuer() + "/revoke"));
        assertThat(provider.codeChallengeMethods()).contains("S256");
    }

    @Test
    void aDocumentThatNamesAnotherIssuerIsRefused() {
        idp.documentIssuer = "https://evil.example.com/realms/test";

        assertThatThrownBy(() -> OidcProvider.discover(OidcHttp.newClient(), idp.issuer()))
                .isInstanceOf(LoginException.class)
                .hasMessageContaining("names another issuer");
    }

    @Test
    void plainHttpIsRefusedExceptOnLoopback() {
        assertThatThrownBy(() -> OidcProvider.discover(OidcHttp.newClient(), "http://sso.example.com/realms/x"))
                .isInstanceOf(LoginException.class)
                .hasMessageContaining("https://");
        assertThatThrownBy(() -> OidcProvider.secure("http://10.0.0.1/token", "token_endpoint"))
                .isInstanceOf(LoginException.class);
    }

    @Test
    void anUnreachableProviderSaysSo() {
        idp.stop();

        assertThatThrownBy(() -> OidcProvider.discover(OidcHttp.newClient(), idp.issuer()))
                .isInstanceOf(LoginException.class)
                .hasMessageContaining("cannot reach the identity provider");
    }
}
