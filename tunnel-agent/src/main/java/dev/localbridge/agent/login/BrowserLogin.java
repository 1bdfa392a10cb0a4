package dev.localbridge.agent.login;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sign-in in the browser: authorization code with PKCE and a loopback redirect (RFC 8252). Prints the address to
 * open, always (the browser may open on another screen, or not at all), opens it if it can, waits for the browser to
 * come back to {@code http://127.0.0.1:<port>/callback}, and exchanges the code.
 */
public final class BrowserLogin {

    private final OidcHttp http;
    private final OidcProvider provider;
    private final LoginRequest request;
    private final PrintWriter out;
    private final Browser browser;
    private final Duration timeout;
    private final Clock clock;

    public BrowserLogin(HttpClient client, OidcProvider provider, LoginRequest request, PrintWriter out,
            Browser browser, Duration timeout) {
        this.http = new OidcHttp(client);
        this.provider = provider;
        this.request = request;
        this.out = out;
        this.browser = browser;
        this.timeout = timeout;
        this.clock = Clock.systemUTC();
    }

    public LoginState run() throws LoginException, InterruptedException {
        if (provider.authorizationEndpoint() == null) {
            throw new LoginException("the identity provider names no authorization_endpoint: use --device");
        }
        if (!provider.codeChallengeMethods().isEmpty() && !provider.codeChallengeMethods().contains("S256")) {
            throw new LoginException("the identity provider does not offer PKCE with S256: use --device");
        }
        Pkce pkce = Pkce.create();
        String state = Pkce.random();
        String nonce = Pkce.random();
        LoopbackReceiver receiver;
        try {
            receiver = LoopbackReceiver.start(state, provider.issuer());
        } catch (IOException e) {
            throw new LoginException("cannot listen on 127.0.0.1 for the browser's answer (" + e.getMessage()
                    + "): use --device", e);
        }
        String code;
        try (receiver) {
            URI address = authorizationAddress(receiver.redirectUri(), pkce, state, nonce);
            out.println("Open this address in a browser to sign in: " + address);
            out.flush();
            browser.open(address);
            code = receiver.awaitCode(timeout);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", receiver.redirectUri().toString());
        form.put("client_id", request.clientId());
        form.put("code_verifier", pkce.verifier());
        try {
            return Tokens.signedIn(provider, request, http.postForm(provider.tokenEndpoint(), form), nonce, clock);
        } catch (IOException e) {
            throw new LoginException("cannot reach the identity provider's token endpoint (" + e + ")", e);
        }
    }

    private URI authorizationAddress(URI redirectUri, Pkce pkce, String state, String nonce) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", request.clientId());
        query.put("redirect_uri", redirectUri.toString());
        query.put("scope", request.scope());
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", pkce.challenge());
        query.put("code_challenge_method", "S256");
        if (request.audience() != null) {
            query.put("audience", request.audience());
        }
        String endpoint = provider.authorizationEndpoint().toString();
        return URI.create(endpoint + (endpoint.contains("?") ? "&" : "?") + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + OidcHttp.encode(e.getValue()).replace("+", "%20"))
                .collect(Collectors.joining("&")));
    }
}
