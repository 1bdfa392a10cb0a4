package dev.localbridge.agent.login;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The redirect target of the browser sign-in (RFC 8252, section 7.3): an HTTP listener on {@code 127.0.0.1} (never
 * another interface) on a port the system picks, serving {@code /callback} once. The first callback decides: a
 * matching {@code state} (and {@code iss}, RFC 9207, when the provider sends it) yields the code; anything else ends
 * the sign-in with an error. Later requests get 404, and the listener closes once the answer is in.
 */
final class LoopbackReceiver implements AutoCloseable {

    static final String PATH = "/callback";

    private final HttpServer server;
    private final String state;
    private final String issuer;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final CompletableFuture<String> code = new CompletableFuture<>();

    private LoopbackReceiver(String state, String issuer) throws IOException {
        this.state = state;
        this.issuer = issuer;
        this.server = HttpServer.create(
                new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts listening; the sign-in's {@code state} and the provider's issuer are what a callback must match. */
    static LoopbackReceiver start(String state, String issuer) throws IOException {
        return new LoopbackReceiver(state, issuer);
    }

    URI redirectUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** The authorization code, once the browser has brought it; a {@link LoginException} on error or timeout. */
    String awaitCode(Duration timeout) throws LoginException, InterruptedException {
        try {
            return code.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new LoginException("no sign-in arrived from the browser within " + timeout.toSeconds()
                    + " s: run the login again (or use --device on a machine without a browser)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof LoginException login ? login : new LoginException(e.getMessage(), e);
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH) || !exchange.getRequestMethod().equals("GET")
                    || !answered.compareAndSet(false, true)) {
                respond(exchange, 404, "Not found.");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            LoginException refused = check(query);
            if (refused == null) {
                respond(exchange, 200, "Signed in to LocalBridge. You can close this tab and return to the terminal.");
                code.complete(query.get("code"));
            } else {
                respond(exchange, 400, "The sign-in failed: " + refused.getMessage()
                        + ". Return to the terminal for details.");
                code.completeExceptionally(refused);
            }
        }
    }

    private LoginException check(Map<String, String> query) {
        if (!state.equals(query.get("state"))) {
            return new LoginException("the answer in the browser does not belong to this sign-in (state mismatch):"
                    + " refused");
        }
        if (query.containsKey("iss") && !issuer.equals(query.get("iss"))) {
            return new LoginException("the answer in the browser comes from another issuer (" + query.get("iss")
                    + "): refused");
        }
        if (query.containsKey("error")) {
            String description = query.get("error_description");
            return new LoginException("the identity provider refused the sign-in: " + query.get("error")
                    + (description == null ? "" : " (" + description + ")"));
        }
        if (query.get("code") == null || query.get("code").isBlank()) {
            return new LoginException("the answer in the browser holds no authorization code");
        }
        return null;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>LocalBridge sign-in</title></head>"
                + "<body><p>" + escape(text) + "</p></body></html>";
        byte[] body = page.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
