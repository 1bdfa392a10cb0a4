package dev.localbridge.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.localbridge.gateway.testing.FakeOllama;
import dev.localbridge.gateway.testing.LocalCluster;
import dev.localbridge.gateway.testing.LocalCluster.Gateway;
import io.restassured.path.json.JsonPath;

/**
 * The browser rules across the relay: the agent holds its tunnel on replica a, the caller reaches replica b. The local
 * service must see b's view of the caller (the holder does not rewrite it), and the answer must carry the rules for
 * an answer from a user's machine, or for the gateway's own when the holder made it.
 */
class BrowserRulesClusterIT {

    private static final String USER = "auth0|relayed-browser";

    @TempDir
    Path dir;

    LocalCluster cluster;
    FakeOllama fake;
    Gateway a;
    Gateway b;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startCluster() throws Exception {
        fake = new FakeOllama().start();
        cluster = new LocalCluster().start();
        Map<String, String> env = Map.of("TUNNEL_REQUEST_TIMEOUT_ROUTES", "/hang=500");
        a = cluster.startGateway("gateway-a", env);
        b = cluster.startGateway("gateway-b", env);
        cluster.startAgent(USER, a.port(), fake.url(), dir);
        // Routing from b needs the lease registered and seen: on a loaded machine that took more than 10 s.
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.get(b, USER, "/api/tags") == 200);
    }

    @AfterEach
    void stopCluster() throws Exception {
        cluster.close();
        fake.stop();
    }

    @Test
    void theLocalServiceSeesTheEntryReplicasViewOfTheCallerNotTheRelayHop() throws Exception {
        HttpResponse<String> echo = http.send(b.request(USER, "/echo")
                .header("X-Forwarded-For", "203.0.113.9").header("Forwarded", "for=203.0.113.9")
                .header("X-Forwarded-Host", "bank.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(echo.statusCode()).isEqualTo(200);
        JsonPath headers = JsonPath.from(echo.body());
        assertThat(headers.getString("headers.x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(headers.getString("headers.x-forwarded-host")).as("the host the caller reached")
                .isEqualTo("127.0.0.1:" + b.port());
        assertThat(headers.getString("headers.forwarded"))
                .isEqualTo("for=127.0.0.1;host=\"127.0.0.1:" + b.port() + "\";proto=http");
    }

    @Test
    void aRelayedPageIsSandboxedAndARelayedEnvelopeIsTheGatewaysOwn() throws Exception {
        HttpResponse<String> page = http.send(b.request(USER, "/page").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().allValues("Content-Security-Policy")).containsExactly("sandbox");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(page.headers().firstValue("X-LocalBridge-Error")).isEmpty();
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("max-age=60");

        HttpResponse<String> timeout = http.send(b.request(USER, "/hang").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(timeout.statusCode()).as("the holder's own 504").isEqualTo(504);
        assertThat(timeout.headers().firstValue("X-LocalBridge-Error")).hasValue("REQUEST_TIMEOUT");
        assertThat(timeout.headers().allValues("Content-Security-Policy")).containsExactly("frame-ancestors 'none'");
        assertThat(timeout.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(timeout.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }
}
