package dev.localbridge.agent.login;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenID provider for the agent's tests (the identity provider is not the project's own; a real Keycloak is
 * tested elsewhere). It serves discovery, an authorization endpoint that approves at once and redirects back, a token
 * endpoint that checks PKCE, the device grant with scripted answers, the refresh grant with rotation, and revocation.
 * Tokens are unsigned JWTs: the agent reads their claims only.
 */
public final class FakeOidcProvider implements AutoCloseable {

    public static final String CLIENT_ID = "tunnel-agent";
    public static final String SUBJECT = "user-123";
    public static final String USERNAME = "alice";

    /** What the refresh grant answers. */
    public enum RefreshMode { OK, INVALID_GRANT, UNAVAILABLE }

    private HttpServer server;
    private final int port;
    private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
    private final Deque<String> deviceAnswers = new ArrayDeque<>();
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> revocations = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger refreshAttempts = new AtomicInteger();

    public volatile long accessTokenLifetimeSeconds = 300;
    public volatile RefreshMode refreshMode = RefreshMode.OK;
    public volatile boolean offerRevocation = true;
    public volatile boolean offerDevice = true;
    public volatile String documentIssuer;
    public volatile String callbackState;
    public volatile String callbackIss;
    public volatile String idTokenNonce;
    public volatile int deviceInterval = 1;
    private volatile String validRefreshToken;

    public FakeOidcProvider() throws IOException {
        this.server = create(0);
        this.port = server.getAddress().getPort();
        server.start();
    }

    public String issuer() {
        return "http://127.0.0.1:" + port + "/realms/test";
    }

    /** Answers of the device grant's token polls, in order ("authorization_pending", "slow_down", "ok", …). */
    public synchronized FakeOidcProvider deviceAnswers(String... answers) {
        deviceAnswers.clear();
        deviceAnswers.addAll(List.of(answers));
        return this;
    }

    public List<Map<String, String>> tokenRequests() {
        return tokenRequests;
    }

    public List<Map<String, String>> revocations() {
        return revocations;
    }

    public int refreshAttempts() {
        return refreshAttempts.get();
    }

    public String validRefreshToken() {
        return validRefreshToken;
    }

    /** Stops answering: connections to its port are refused until {@link #restart()}. */
    public void stop() {
        server.stop(0);
    }

    public void restart() throws IOException {
        server = create(port);
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private HttpServer create(int onPort) throws IOException {
        HttpServer s = HttpServer.create(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), onPort), 0);
        s.createContext("/", this::handle);
        return s;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String base = "/realms/test";
            switch (path.startsWith(base) ? path.substring(base.length()) : path) {
                case "/.well-known/openid-configuration" -> json(exchange, 200, discovery());
                case "/auth" -> authorize(exchange);
                case "/token" -> token(exchange, form(exchange));
                case "/device" -> device(exchange);
                case "/revoke" -> {
                    Map<String, String> form = form(exchange);
                    revocations.add(form);
                    if (form.get("token").equals(validRefreshToken)) {
                        validRefreshToken = null;
                    }
                    exchange.sendResponseHeaders(200, -1);
                }
                default -> json(exchange, 404, new JsonObject().put("error", "not_found"));
            }
        }
    }

    private JsonObject discovery() {
        JsonObject doc = new JsonObject()
                .put("issuer", documentIssuer != null ? documentIssuer : issuer())
                .put("authorization_endpoint", issuer() + "/auth")
                .put("token_endpoint", issuer() + "/token")
                .put("code_challenge_methods_supported", List.of("plain", "S256"));
        if (offerDevice) {
            doc.put("device_authorization_endpoint", issuer() + "/device");
        }
        if (offerRevocation) {
            doc.put("revocation_endpoint", issuer() + "/revoke");
        }
        return doc;
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        String code = "code-" + issued.incrementAndGet();
        codes.put(code, query);
        String location = query.get("redirect_uri") + "?code=" + code + "&state="
                + enc(callbackState != null ? callbackState : query.get("state"))
                + (callbackIss != null ? "&iss=" + enc(callbackIss) : "");
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private void device(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        if (!CLIENT_ID.equals(form.get("client_id"))) {
            json(exchange, 400, new JsonObject().put("error", "invalid_client"));
            return;
        }
        json(exchange, 200, new JsonObject()
                .put("device_code", "device-code-1")
                .put("user_code", "WDJB-MJHT")
                .put("verification_uri", issuer() + "/device-page")
                .put("verification_uri_complete", issuer() + "/device-page?user_code=WDJB-MJHT")
                .put("expires_in", 600)
                .put("interval", deviceInterval));
    }

    private void token(HttpExchange exchange, Map<String, String> form) throws IOException {
        tokenRequests.add(form);
        if (!CLIENT_ID.equals(form.get("client_id"))) {
            json(exchange, 401, new JsonObject().put("error", "invalid_client"));
            return;
        }
        switch (String.valueOf(form.get("grant_type"))) {
            case "authorization_code" -> {
                Map<String, String> authorized = codes.remove(form.get("code"));
                if (authorized == null || !authorized.get("redirect_uri").equals(form.get("redirect_uri"))
                        || form.get("code_verifier") == null
                        || !Pkce.challenge(form.get("code_verifier")).equals(authorized.get("code_challenge"))
                        || !"S256".equals(authorized.get("code_challenge_method"))) {
                    json(exchange, 400, new JsonObject().put("error", "invalid_grant")
                            .put("error_description", "code, redirect_uri or code_verifier wrong"));
                    return;
                }
                json(exchange, 200, tokens(idTokenNonce != null ? idTokenNonce : authorized.get("nonce")));
            }
            case "urn:ietf:params:oauth:grant-type:device_code" -> {
                String answer;
                synchronized (this) {
                    answer = deviceAnswers.isEmpty() ? "authorization_pending" : deviceAnswers.poll();
                }
                if (answer.equals("ok")) {
                    json(exchange, 200, tokens(null));
                } else {
                    json(exchange, 400, new JsonObject().put("error", answer));
                }
            }
            case "refresh_token" -> {
                refreshAttempts.incrementAndGet();
                if (refreshMode == RefreshMode.UNAVAILABLE) {
                    json(exchange, 503, new JsonObject().put("error", "temporarily_unavailable"));
                } else if (refreshMode == RefreshMode.INVALID_GRANT || validRefreshToken == null
                        || !validRefreshToken.equals(form.get("refresh_token"))) {
                    json(exchange, 400, new JsonObject().put("error", "invalid_grant")
                            .put("error_description", "Token is not active"));
                } else {
                    json(exchange, 200, tokens(null));
                }
            }
            default -> json(exchange, 400, new JsonObject().put("error", "unsupported_grant_type"));
        }
    }

    private JsonObject tokens(String nonce) {
        int n = issued.incrementAndGet();
        long now = Instant.now().getEpochSecond();
        validRefreshToken = "refresh-" + n;
        JsonObject id = new JsonObject().put("iss", issuer()).put("aud", CLIENT_ID).put("sub", SUBJECT)
                .put("preferred_username", USERNAME).put("iat", now).put("exp", now + 300);
        if (nonce != null) {
            id.put("nonce", nonce);
        }
        JsonObject access = new JsonObject().put("iss", issuer()).put("aud", "localbridge").put("sub", SUBJECT)
                .put("iat", now).put("exp", now + accessTokenLifetimeSeconds).put("n", n);
        return new JsonObject()
                .put("access_token", jwt(access))
                .put("token_type", "Bearer")
                .put("expires_in", accessTokenLifetimeSeconds)
                .put("refresh_token", validRefreshToken)
                .put("id_token", jwt(id));
    }

    static String jwt(JsonObject claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        return parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static Map<String, String> parse(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void json(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
