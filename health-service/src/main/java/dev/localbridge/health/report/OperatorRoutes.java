package dev.localbridge.health.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.localbridge.health.cluster.ClusterPoller;
import dev.localbridge.health.cluster.ClusterView;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The operator's view, on the management port only ({@code QUARKUS_MANAGEMENT_PORT}, which the ingress does not
 * route; in Kubernetes reached with {@code kubectl port-forward}): the detailed {@link ClusterReport} at
 * {@code GET /q/cluster}, the chart samples at {@code GET /q/cluster/history} and the status page at
 * {@code /q/status/}, which reads those two. The page's three files are read from the class path once, at startup,
 * and served from memory: a fixed set of names, so no request path ever reaches a file lookup.
 */
@ApplicationScoped
public class OperatorRoutes {

    /** The detailed cluster report. */
    public static final String CLUSTER = "/q/cluster";
    /** The chart samples. */
    public static final String HISTORY = "/q/cluster/history";
    /** The status page (and, below it, its script and style sheet). */
    public static final String PAGE = "/q/status/";

    /** Where the page's files are on the class path. */
    private static final String PAGE_RESOURCES = "operator/";
    /**
     * The page loads only its own script, style sheet and JSON; no framing (nothing else should be able to show the
     * cluster view inside its own page).
     */
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private record PageFile(String type, byte[] body) {
    }

    private final ClusterPoller poller;
    private final Assessment assessment;
    private final ObjectMapper json;
    private final Map<String, PageFile> page;

    OperatorRoutes(ClusterPoller poller, Assessment assessment, ObjectMapper json) {
        this.poller = poller;
        this.assessment = assessment;
        this.json = json;
        this.page = Map.of(
                PAGE, file("index.html", "text/html; charset=utf-8"),
                PAGE + "status.js", file("status.js", "text/javascript; charset=utf-8"),
                PAGE + "status.css", file("status.css", "text/css; charset=utf-8"));
    }

    void route(@Observes ManagementInterface management) {
        management.router().get(CLUSTER).handler(this::cluster);
        management.router().get(HISTORY).handler(this::history);
        management.router().get("/q/status*").handler(this::page);
    }

    private void cluster(RoutingContext context) {
        ClusterView view = poller.lastView();
        if (view != null) {
            answer(context, assessment.judge(view));
            return;
        }
        // Right after startup: wait (bounded) for the first poll, off the event loop.
        context.vertx().executeBlocking(() -> assessment.judge(poller.view()), false)
                .onComplete(done -> {
                    if (done.succeeded()) {
                        answer(context, done.result());
                    } else {
                        context.fail(done.cause());
                    }
                });
    }

    private void answer(RoutingContext context, ClusterReport report) {
        send(context, "unhealthy".equals(report.status()) ? 503 : 200, report);
    }

    private void history(RoutingContext context) {
        send(context, 200, new HistoryView(poller.intervalMillis(), poller.history().samples()));
    }

    private void send(RoutingContext context, int status, Object body) {
        try {
            context.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff")
                    .end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            context.fail(e);
        }
    }

    private void page(RoutingContext context) {
        String path = context.normalizedPath();
        if (path.equals(PAGE.substring(0, PAGE.length() - 1))) {
            // relative, so that the page's own relative URLs resolve under /q/status/ behind any port-forward
            context.response().setStatusCode(302).putHeader("Location", "status/").end();
            return;
        }
        PageFile file = page.get(path);
        if (file == null) {
            context.response().setStatusCode(404).end();
            return;
        }
        context.response().putHeader("Content-Type", file.type()).putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Content-Security-Policy", PAGE_POLICY)
                .putHeader("Referrer-Policy", "no-referrer").end(Buffer.buffer(file.body()));
    }

    private static PageFile file(String name, String type) {
        try (InputStream in = OperatorRoutes.class.getClassLoader().getResourceAsStream(PAGE_RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("status page file missing from the class path: " + name);
            }
            return new PageFile(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
