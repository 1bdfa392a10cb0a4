package dev.localbridge.health.users;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.localbridge.health.session.SessionServiceClient;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The operator's actions on a user, on the management port only (like {@code /q/cluster}: not routed by the ingress,
 * reached with {@code kubectl port-forward}, whose permission is the operator credential). Each is passed to
 * session-service as a signed call and its answer returned as it is:
 * <ul>
 * <li>{@code POST /q/users/{userId}/revoke} → {@code PUT /api/users/{userId}/revocation}: the user's tokens issued
 * and keys created until now are refused and their tunnels closed, on every replica;</li>
 * <li>{@code POST /q/users/{userId}/tunnels/close} → {@code POST /api/users/{userId}/tunnels/close}.</li>
 * </ul>
 * Requests carrying an {@code Origin} header are refused (403): browsers send one with every POST, so a web page the
 * operator has open cannot use their port-forward to revoke users (cross-site requests or DNS rebinding); curl sends
 * none.
 */
@ApplicationScoped
public class UserAccessRoutes {

    /** Where the operator's user actions live (below the management root). */
    public static final String USERS = "/q/users/";

    private final SessionServiceClient session;
    private final ObjectMapper json;

    UserAccessRoutes(SessionServiceClient session, ObjectMapper json) {
        this.session = session;
        this.json = json;
    }

    void route(@Observes ManagementInterface management) {
        management.router().post(USERS + ":userId/revoke")
                .handler(context -> forward(context, "revoke", "PUT", "/revocation"));
        management.router().post(USERS + ":userId/tunnels/close")
                .handler(context -> forward(context, "close tunnels of", "POST", "/tunnels/close"));
    }

    private void forward(RoutingContext context, String action, String method, String suffix) {
        if (context.request().getHeader("Origin") != null) {
            error(context, 403, "BROWSER_REQUEST_REFUSED", "operator actions are not accepted from web pages "
                    + "(the request carries an Origin header); use curl or another command-line client");
            return;
        }
        if (session.baseUrl().isEmpty()) {
            error(context, 503, "SESSION_SERVICE_NOT_CONFIGURED",
                    "TUNNEL_SESSION_URL is not set: there is no session-service to ask");
            return;
        }
        String userId = context.pathParam("userId");
        if (userId.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            error(context, 400, "BAD_REQUEST", "userId must not contain control characters");
            return;
        }
        String path = "api/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20") + suffix;
        context.vertx().executeBlocking(() -> session.call(method, path, "{}"), false).onComplete(done -> {
            if (done.failed()) {
                Log.warnf("operator: %s user %s failed: %s", action, userId, done.cause().getMessage());
                error(context, 502, "SESSION_SERVICE_UNAVAILABLE",
                        "session-service did not answer: " + done.cause().getMessage());
                return;
            }
            SessionServiceClient.Answer answer = done.result();
            Log.infof("operator (from %s): %s user %s: session-service answered %d", context.request().remoteAddress(),
                    action, userId, answer.status());
            context.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store").end(Buffer.buffer(answer.body()));
        });
    }

    private void error(RoutingContext context, int status, String code, String message) {
        try {
            context.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(json.writeValueAsString(Map.of("error", Map.of("code", code, "message", message,
                            "timestamp", Instant.now().toString()))));
        } catch (JsonProcessingException e) {
            context.fail(e);
        }
    }
}
