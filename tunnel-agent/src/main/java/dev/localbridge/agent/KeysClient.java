package dev.localbridge.agent;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's access-key API ({@code /api/tunnel/keys}), called with the user's access token. The gateway is reached
 * at the root of the address the agent connects to ({@code wss://host/ws/tunnel} → {@code https://host}).
 */
final class KeysClient {

    /** An error answer of the gateway: its status and the code and message of its error envelope. */
    static final class GatewayError extends Exception {

        final int status;

        GatewayError(int status, String code, String message) {
            super("the gateway answered HTTP " + status + (code == null ? "" : " " + code)
                    + (message == null ? "" : ": " + message));
            this.status = status;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final URI keys;
    private final String accessToken;

    KeysClient(HttpClient client, String gateway, String accessToken) {
        this.client = client;
        URI ws = GatewayUrl.normalize(gateway);
        this.keys = URI.create((ws.getScheme().equals("wss") ? "https" : "http") + "://" + ws.getRawAuthority()
                + "/api/tunnel/keys");
        this.accessToken = accessToken;
    }

    URI keysUri() {
        return keys;
    }

    JsonObject create(String name, Integer expiresInDays, List<String> methods, List<String> pathPrefixes)
            throws IOException, GatewayError {
        JsonObject body = new JsonObject().put("name", name);
        if (expiresInDays != null) {
            body.put("expiresInDays", expiresInDays);
        }
        if (methods != null && !methods.isEmpty()) {
            body.put("methods", new JsonArray(methods));
        }
        if (pathPrefixes != null && !pathPrefixes.isEmpty()) {
            body.put("pathPrefixes", new JsonArray(pathPrefixes));
        }
        return json(send(request(keys).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())), 201));
    }

    JsonArray list() throws IOException, GatewayError {
        JsonObject answer = json(send(request(keys).GET(), 200));
        return answer.getValue("keys") instanceof JsonArray keyList ? keyList : new JsonArray();
    }

    /** Whether the key existed (and is now revoked); {@code id} is a key id, letters and digits only. */
    boolean revoke(String id) throws IOException, GatewayError {
        try {
            send(request(URI.create(keys + "/" + id)).DELETE(), 204);
            return true;
        } catch (GatewayError e) {
            if (e.status == 404) {
                return false;
            }
            throw e;
        }
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request, int expected) throws IOException, GatewayError {
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        if (response.statusCode() != expected) {
            JsonObject error = parse(response.body());
            JsonObject envelope = error != null && error.getValue("error") instanceof JsonObject e ? e : null;
            throw new GatewayError(response.statusCode(), envelope == null ? null : envelope.getString("code"),
                    envelope == null ? null : envelope.getString("message"));
        }
        return response;
    }

    private static JsonObject json(HttpResponse<String> response) throws GatewayError {
        JsonObject json = parse(response.body());
        if (json == null) {
            throw new GatewayError(response.statusCode(), null, "the answer is not JSON");
        }
        return json;
    }

    private static JsonObject parse(String body) {
        try {
            return body == null || body.isBlank() ? null : new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }
}
