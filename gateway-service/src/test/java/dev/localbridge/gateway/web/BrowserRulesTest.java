package dev.localbridge.gateway.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The browser rules with CORS, HSTS and an allowed WebSocket origin configured ({@link BrowserProfile}), through a
 * real agent's tunnel to the fake Ollama.
 */
@QuarkusTest
@TestProfile(BrowserProfile.class)
class BrowserRulesTest extends WebTestBase {

    private static final String USER = "auth0|browser";
    private static final String PATH = "/api/tunnel/auth0%7Cbrowser";

    private final String token = Tokens.forUser(USER);

    @Override
    String user() {
        return USER;
    }

    @Test
    void answersAnAllowedPreflightItselfWithoutATokenAndWithoutReachingTheTunnel() {
        int before = fake.started();
        Response preflight = given().urlEncodingEnabled(false)
                .header("Origin", BrowserProfile.APP)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers",
                        "authorization, content-type, x-request-id, x-stainless-os, cookie, x-forwarded-for")
                .options(PATH + "/api/chat");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(BrowserProfile.APP);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST", "GET", "DELETE");
        assertThat(preflight.header("Access-Control-Allow-Headers"))
                .isEqualTo("authorization, content-type, x-request-id, x-stainless-os");
        assertThat(preflight.header("Access-Control-Max-Age")).isEqualTo("120");
        assertThat(preflight.headers().getValues("Vary")).contains("Origin");
        assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();
        assertOwnAnswer(preflight);
        assertThat(fake.started()).as("the preflight never reached the local service").isEqualTo(before);
    }

    @Test
    void refusesAPreflightFromAnOriginNotConfiguredWith403() {
        int before = fake.started();
        Response preflight = given().urlEncodingEnabled(false)
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .options(PATH + "/api/chat");
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.jsonPath().getString("error.code")).isEqualTo("ORIGIN_NOT_ALLOWED");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        assertOwnAnswer(preflight);
        assertThat(fake.started()).isEqualTo(before);
    }

    @Test
    void anOptionsRequestThatIsNoPreflightStillReachesTheTunnel() {
        given().urlEncodingEnabled(false).auth().oauth2(token).header("Origin", BrowserProfile.APP)
                .options(PATH + "/echo").then().statusCode(200).header("X-Echo", "yes");
    }

    @Test
    void actualAnswersToAnAllowedOriginCarryTheCorsHeadersProxiedAndOwn() {
        Response proxied = given().urlEncodingEnabled(false).auth().oauth2(token)
                .header("Origin", BrowserProfile.APP).get(PATH + "/echo");
        assertThat(proxied.statusCode()).isEqualTo(200);
        assertThat(proxied.header("Access-Control-Allow-Origin")).isEqualTo(BrowserProfile.APP);
        assertThat(proxied.headers().getValues("Vary")).contains("Origin");
        assertThat(proxied.header("Access-Control-Expose-Headers"))
                .contains("X-Request-Id", "Retry-After", "X-RateLimit-Remaining");
        assertThat(proxied.header("Access-Control-Allow-Credentials")).isNull();

        Response unauthorized = given().urlEncodingEnabled(false).header("Origin", BrowserProfile.APP)
                .get(PATH + "/echo");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.header("Access-Control-Allow-Origin")).isEqualTo(BrowserProfile.APP);
        assertThat(unauthorized.header("Access-Control-Expose-Headers")).contains("X-Request-Id");

        Response foreign = given().urlEncodingEnabled(false).auth().oauth2(token)
                .header("Origin", "https://evil.example").get(PATH + "/echo");
        assertThat(foreign.statusCode()).isEqualTo(200);
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        assertThat(foreign.headers().getValues("Vary")).as("a cache must not mix origins").contains("Origin");
    }

    @Test
    void theGatewaysOwnAnswersCarryTheSecurityHeaders() {
        Response health = given().get("/api/tunnel/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertOwnAnswer(health);

        Response status = given().auth().oauth2(token).get("/api/tunnel/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertOwnAnswer(status);

        Response unauthorized = given().urlEncodingEnabled(false).get(PATH + "/api/tags");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertOwnAnswer(unauthorized);

        Response noTunnel = given().auth().oauth2(Tokens.forUser("browser-no-agent"))
                .get("/api/tunnel/browser-no-agent/api/tags");
        assertThat(noTunnel.statusCode()).isEqualTo(503);
        assertThat(noTunnel.jsonPath().getString("error.code")).isEqualTo("DESKTOP_CLIENT_DISCONNECTED");
        assertOwnAnswer(noTunnel);

        Response elsewhere = given().get("/no-such-page");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertOwnAnswer(elsewhere);
    }

    @Test
    void aPageFromTheUsersMachineIsSandboxedAndCannotSetCookiesOrPoliciesOnTheGatewayOrigin() {
        Response page = given().urlEncodingEnabled(false).auth().oauth2(token)
                .header("Origin", BrowserProfile.APP).get(PATH + "/page");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.headers().getValues("Content-Security-Policy")).containsExactly("sandbox");
        assertThat(page.header("Set-Cookie")).isNull();
        assertThat(page.headers().getValues("Access-Control-Allow-Origin")).containsExactly(BrowserProfile.APP);
        assertThat(page.headers().getValues("Strict-Transport-Security")).containsExactly("max-age=31536000");
        assertThat(page.header("X-LocalBridge-Error")).isNull();
        // The local service's own caching and content headers pass; the own-answer rules are not applied to it.
        assertThat(page.header("Cache-Control")).isEqualTo("max-age=60");
        assertThat(page.header("ETag")).isEqualTo("\"page-v1\"");
        assertThat(page.header("Referrer-Policy")).isNull();
        assertThat(page.body().asString()).contains("<title>local</title>");
    }

    @Test
    void callersForwardingHeadersAreReplacedByTheGatewaysView() {
        Response echo = given().urlEncodingEnabled(false).auth().oauth2(token)
                .header("X-Forwarded-For", "203.0.113.9")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "bank.example")
                .header("X-Forwarded-Port", "443")
                .header("X-Forwarded-Prefix", "/admin")
                .header("Forwarded", "for=203.0.113.9;proto=https;host=bank.example")
                .header("X-Real-IP", "203.0.113.9")
                .get(PATH + "/echo");
        assertThat(echo.statusCode()).isEqualTo(200);
        String peer = echo.jsonPath().getString("headers.x-forwarded-for");
        assertThat(peer).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-proto")).isEqualTo("http");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-host")).isEqualTo(base.getAuthority());
        assertThat(echo.jsonPath().getString("headers.forwarded")).isEqualTo("for="
                + (peer.contains(":") ? "\"[" + peer + "]\"" : peer) + ";host=\"" + base.getAuthority()
                + "\";proto=http");
        assertThat(echo.jsonPath().getString("headers.x-forwarded-port")).isNull();
        assertThat(echo.jsonPath().getString("headers.x-forwarded-prefix")).isNull();
        assertThat(echo.jsonPath().getString("headers.x-real-ip")).isNull();
    }

    @Test
    void refusesAnAgentUpgradeFromAForeignBrowserOriginBeforeThe101() {
        RawUpgrade.Answer foreign = RawUpgrade.send(base, Tokens.forUser("ws-foreign"), "https://evil.example");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.headers()).containsEntry("x-content-type-options", "nosniff")
                .containsEntry("cache-control", "no-store")
                .containsEntry("content-security-policy", "frame-ancestors 'none'");

        assertThat(RawUpgrade.send(base, Tokens.forUser("ws-console"), BrowserProfile.CONSOLE).status())
                .as("a configured origin").isEqualTo(101);
        assertThat(RawUpgrade.send(base, Tokens.forUser("ws-agent"), null).status())
                .as("an agent that sends no Origin").isEqualTo(101);
        assertThat(RawUpgrade.send(base, Tokens.forUser("ws-vertx"), "http://" + base.getAuthority()).status())
                .as("the gateway's own origin, as Vert.x' client (the LocalBridge agent) sends it").isEqualTo(101);
        assertThat(RawUpgrade.send(base, Tokens.forUser("ws-null"), "null").status())
                .as("a sandboxed page").isEqualTo(403);
    }

    private static void assertOwnAnswer(Response response) {
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(response.header("Content-Security-Policy")).isEqualTo("frame-ancestors 'none'");
        assertThat(response.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
    }
}
