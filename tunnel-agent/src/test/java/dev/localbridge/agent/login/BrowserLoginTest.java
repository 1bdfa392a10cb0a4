package dev.localbridge.agent.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The browser sign-in, with the test as the browser: it reads the printed address and follows the redirects. */
class BrowserLoginTest {

    private static final Pattern PROMPT = Pattern.compile("Open this address in a browser to sign in: (\\S+)");

    private final FakeOidcProvider idp;
    private final StringWriter printed = new StringWriter();
    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    BrowserLoginTest() throws Exception {
        idp = new FakeOidcProvider();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    private CompletableFuture<LoginState> startLogin(Duration timeout, Browser opener) throws Exception {
        OidcProvider provider = OidcProvider.discover(OidcHttp.newClient(), idp.issuer());
        BrowserLogin login = new BrowserLogin(OidcHttp.newClient(), provider,
                new LoginRequest(FakeOidcProvider.CLIENT_ID, "localbridge", null), new PrintWriter(printed, true),
                opener, timeout);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return login.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private URI printedAddress() {
        await().atMost(5, TimeUnit.SECONDS).until(() -> PROMPT.matcher(printed.toString()).find());
        Matcher m = PROMPT.matcher(printed.toString());
        assertThat(m.find()).isTrue();
        return URI.create(m.group(1));
    }

    private HttpResponse<String> playTheBrowser(URI address) throws Exception {
        return browser.send(HttpRequest.newBuilder(address).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void signsInWithPkceThroughTheLoopbackRedirect() throws Exception {
        URI[] opened = new URI[1];
        CompletableFuture<LoginState> result = startLogin(Duration.ofSeconds(10), address -> {
            opened[0] = address;
            return true;
        });
        URI address = printedAddress();

        assertThat(address.getQuery()).contains("code_challenge_method=S256", "client_id=tunnel-agent",
                "redirect_uri=http://127.0.0.1:", "/callback", "scope=openid profile", "audience=localbridge",
                "state=", "nonce=");
        assertThat(opened[0]).isEqualTo(address);
        HttpResponse<String> page = playTheBrowser(address);
        LoginState login = result.get(10, TimeUnit.SECONDS);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in");
        assertThat(page.uri().getHost()).isEqualTo("127.0.0.1");
        assertThat(login.subject()).isEqualTo(FakeOidcProvider.SUBJECT);
        assertThat(login.who()).isEqualTo(FakeOidcProvider.USERNAME);
        assertThat(login.issuer()).isEqualTo(idp.issuer());
        assertThat(login.audience()).isEqualTo("localbridge");
        assertThat(login.refreshToken()).isEqualTo(idp.validRefreshToken());
        assertThat(login.accessTokenExpiresAt()).isAfter(Instant.now().plusSeconds(250));
        assertThat(login.revocationEndpoint()).isNotNull();
        assertThat(idp.tokenRequests().getFirst()).containsEntry("grant_type", "authorization_code")
                .containsKey("code_verifier");
        assertThat(login.toString()).doesNotContain(login.accessToken()).doesNotContain(login.refreshToken());
    }

    @Test
    void theLoopbackListenerAnswersOnceThenCloses() throws Exception {
        CompletableFuture<LoginState> result = startLogin(Duration.ofSeconds(10), Browser.NONE);
        URI address = printedAddress();
        HttpResponse<String> page = playTheBrowser(address);
        result.get(10, TimeUnit.SECONDS);

        URI callback = page.uri();
        assertThat(callback.getPath()).isEqualTo("/callback");
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> {
            try {
                playTheBrowser(callback);
                throw new AssertionError("the listener still answers");
            } catch (java.io.IOException expected) {
                // connection refused: closed
            }
        });
    }

    @Test
    void aCallbackWithAnotherStateIsRefused() throws Exception {
        idp.callbackState = "forged-state";
        CompletableFuture<LoginState> result = startLogin(Duration.ofSeconds(10), Browser.NONE);

        HttpResponse<String> page = playTheBrowser(printedAddress());

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(result).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
                .withMessageContaining("state mismatch");
        assertThat(idp.tokenRequests()).isEmpty();
    }

    @Test
    void aCallbackFromAnotherIssuerIsRefused() throws Exception {
        idp.callbackIss = "https://evil.example.com";
        CompletableFuture<LoginState> result = startLogin(Duration.ofSeconds(10), Browser.NONE);

        playTheBrowser(printedAddress());

        assertThat(result).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
                .withMessageContaining("another issuer");
        assertThat(idp.tokenRequests()).isEmpty();
    }

    @Test
    void anIdTokenWithAnotherNonceIsRefused() throws Exception {
        idp.idTokenNonce = "replayed-nonce";
        CompletableFuture<LoginState> result = startLogin(Duration.ofSeconds(10), Browser.NONE);

        playTheBrowser(printedAddress());

        assertThat(result).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
                .withMessageContaining("nonce mismatch");
    }

    @Test
    void noAnswerFromTheBrowserTimesOut() throws Exception {
        CompletableFuture<LoginState> result = startLogin(Duration.ofMillis(300), Browser.NONE);

        assertThat(result).failsWithin(10, TimeUnit.SECONDS).withThrowableThat()
                .withMessageContaining("no sign-in arrived from the browser");
    }
}
