package dev.localbridge.gateway.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The gateway behind a trusted ingress, with the local service's cookies passed and no sandbox
 * ({@link TrustedProxyProfile}); no CORS origins and no HSTS configured.
 */
@QuarkusTest
@TestProfile(TrustedProxyProfile.class)
class TrustedProxyTest extends WebTestBase {

    private static final String USER = "auth0|ingress";
    private static final String PATH = "/api/tunnel/auth0%7Cingress";

    private final String token = Tokens.forUser(USER);

    @Override
    String user() {
        return USER;
    }

    @Test
    void theChainOfATrustedProxyIsKeptAndExtendedWithItsAddress() {
        Response echo = given().urlEncodingEnabled(false).auth().oauth2(token)
                .header("X-Forwarded-For", "203.0.113.9, 198.51.100.7")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "tunnel.example")
                .header("X-Forwarded-Port", "443")
                .header("X-Forwarded-Prefix", "/gw")
                .header("Forwarded", "for=203.0.113.9;proto=https;host=tunnel.example")
                .header("X-Real-IP", "203.0.113.9")
                .get(PATH + "/echo");
        assertThat(echo.statusCode()).isEqualTo(200);
        String xff = echo.jsonPath().getString("headers.x-forwarded-for");
        assertThat(xff).isIn("203.0.113.9, 198.51.100.7, 127.0.0.1", "203.0.113.9, 198.51.100.7, 0:0:0:0:0:0:0:1");
        String peer = xff.substring(xff.lastIndexOf(", ") + 2);
        assertThat(echo.jsonPath().getString("headers.forwarded")).isEqualTo(
                "for=203.0.113.9;proto=https;host=tunnel.example, for="
                        + (peer.contains(":") ? "\"[" + peer + "]\"" : peer) + ";host=\"" + base.getAuthority()
                        + "\";proto=http");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-proto")).isEqualTo("https");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-host")).isEqualTo("tunnel.example");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-port")).isEqualTo("443");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-prefix")).isEqualTo("/gw");
        assertThat(echo.jsonPath().getString("headers.x-real-ip")).isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedProxyThatSendsNoForwardingHeadersGetsTheGatewaysView() {
        Response echo = given().urlEncodingEnabled(false).auth().oauth2(token).get(PATH + "/echo");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-for")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-proto")).isEqualTo("http");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-host")).isEqualTo(base.getAuthority());
    }

    @Test
    void setCookiePassesWhenConfiguredAndAnEmptyProxiedCspTurnsTheSandboxOff() {
        Response page = given().urlEncodingEnabled(false).auth().oauth2(token).get(PATH + "/page");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.header("Set-Cookie")).isEqualTo("session=local; Path=/; HttpOnly");
        assertThat(page.header("Content-Security-Policy")).isNull();
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        // Origin-wide policies stay the gateway's whatever is configured.
        assertThat(page.header("Strict-Transport-Security")).isNull();
        assertThat(page.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void withoutConfiguredOriginsNoPreflightIsAllowedAndNoAnswerCarriesCorsHeaders() {
        Response preflight = given().urlEncodingEnabled(false).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "GET").options(PATH + "/api/tags");
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();

        Response actual = given().urlEncodingEnabled(false).auth().oauth2(token)
                .header("Origin", "https://app.example").get(PATH + "/api/tags");
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void noHstsUnlessConfigured() {
        Response health = given().get("/api/tunnel/health");
        assertThat(health.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(health.header("Strict-Transport-Security")).isNull();
    }

    @Test
    void aForeignOriginIsRefusedByDefaultAtTheAgentEndpoint() {
        assertThat(RawUpgrade.send(base, Tokens.forUser("ws-default"), "https://app.example").status())
                .isEqualTo(403);
    }
}
