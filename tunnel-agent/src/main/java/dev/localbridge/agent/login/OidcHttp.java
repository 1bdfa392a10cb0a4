package dev.localbridge.agent.login;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The few HTTP exchanges OAuth needs: a JSON {@code GET} and a form {@code POST} answered with JSON. Redirects are
 * never followed (a token request must reach the endpoint discovery named), and error answers become
 * {@link OidcException}s.
 */
public final class OidcHttp {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;

    OidcHttp(HttpClient client) {
        this.client = client;
    }

    /** A client for the identity provider (and the gateway's API): no redirects, a connect timeout. */
    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    JsonObject get(URI uri) throws IOException, OidcException {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    JsonObject postForm(URI uri, Map<String, String> form) throws IOException, OidcException {
        String body = form.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonObject send(HttpRequest.Builder request) throws IOException, OidcException {
        HttpResponse<String> response;
        try {
            response = client.send(request.timeout(REQUEST_TIMEOUT).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        JsonObject json = parse(response.body());
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new OidcException(status, json == null ? "" : json.getString("error", ""),
                    json == null ? null : json.getString("error_description"));
        }
        if (json == null && !response.body().isBlank()) {
            throw new OidcException(status, "", "the answer from " + response.uri() + " is not JSON");
        }
        return json == null ? new JsonObject() : json;
    }

    private static JsonObject parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }
}
