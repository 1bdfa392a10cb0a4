package dev.localbridge.health.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator status page (health-service serves it at /q/status/ on its management port) in headless Chromium,
 * against a canned operator view at /q/cluster served by the JDK's HTTP server: the DOM shows exactly the figures of
 * the latest answer, and the page polls by itself.
 */
class StatusPageBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path STATIC_ROOT = Path.of("src/main/resources/operator");
    private static final Path SCREENSHOT = Path.of("target/status-page.png");
    /** The canned answers ask for a poll every 2 s: this budget of page time is about five polls. */
    private static final Duration PAGE_TIME = Duration.ofSeconds(9);
    /** Answers before the canned health answer changes (or fails). */
    private static final int FIRST_ANSWERS = 2;
    private static final int SAMPLES = 60;
    /** Where health-service serves the page (management port). */
    private static final String PAGE = "/q/status/";

    private static final Instant NOW = Instant.now();
    private static final Instant FIRST_POLL = NOW.minusSeconds(2);

    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void showsEveryFigureOfTheLatestHealthAnswerAndUpdatesItself() throws Exception {
        String first = degradedAnswer(FIRST_POLL, 1234, 7);
        String changed = degradedAnswer(NOW, 1299, 8);
        AtomicInteger healthRequests = new AtomicInteger();
        URI page = serve(n -> n < FIRST_ANSWERS ? new Answer(200, first) : new Answer(200, changed), healthRequests);

        Document dom = StatusPageBrowser.open(page, PAGE_TIME);
        JsonNode answer = JSON.readTree(changed);

        assertThat(healthRequests.get()).as("health polls").isGreaterThan(FIRST_ANSWERS);
        assertThat(Integer.parseInt(dom.body().attr("data-refreshes"))).isGreaterThanOrEqualTo(2);
        assertThat(dom.body().attr("data-polled-at")).isEqualTo(NOW.toString());
        assertThat(dom.body().attr("data-connection")).isEqualTo("ok");
        assertThat(dom.getElementById("banner").hasAttr("hidden")).isTrue();

        assertShowsEveryValue(dom, answer, "", List.of("replicas", "alerts", "sessionService.configured"));
        assertThat(text(dom, "status")).isEqualTo("! Degraded");
        assertThat(field(dom, "status").attr("data-tone")).isEqualTo("warn");
        assertThat(text(dom, "checks.successRateOk")).isEqualTo("✕ Failing");
        assertThat(text(dom, "checks.timeoutRateOk")).isEqualTo("✓ OK");
        assertThat(text(dom, "figures.requests")).isEqualTo("1,299");
        assertThat(text(dom, "figures.successRate")).isEqualTo("92.3 %");
        assertThat(text(dom, "figures.timeoutRate")).isEqualTo("3.1 %");
        assertThat(text(dom, "figures.averageResponseTimeMs")).isEqualTo("813 ms");
        assertThat(text(dom, "figures.maxMemoryBytes")).isEqualTo("150 MB");
        assertThat(text(dom, "sessionService.reachable")).isEqualTo("✓ Reachable");

        List<String> rows = dom.select("#replicas tbody tr").eachAttr("data-node-id");
        assertThat(rows).containsExactly("gw-a", "gw-b");
        for (JsonNode replica : answer.get("replicas")) {
            Element row = dom.selectFirst("#replicas tr[data-node-id=" + replica.get("nodeId").asText() + "]");
            assertShowsEveryValue(row, replica, "", List.of("memoryOk"));
        }
        Element unreachable = dom.selectFirst("tr[data-node-id=gw-b]");
        assertThat(unreachable.selectFirst("[data-field=state]").text()).isEqualTo("✕ Unreachable");
        assertThat(unreachable.selectFirst("[data-field=error]").text()).isEqualTo("connect to 10.42.0.12:9000 refused");

        List<Element> alerts = dom.select("#alerts li[data-alert]");
        assertThat(alerts).extracting(alert -> alert.attr("data-alert"))
                .containsExactlyInAnyOrder("SuccessRateLow", "ReplicaUnreachable");
        for (JsonNode alert : answer.get("alerts")) {
            Element shown = dom.selectFirst("#alerts li[data-alert=" + alert.get("name").asText() + "]");
            assertThat(shown.attr("data-severity")).isEqualTo(alert.get("severity").asText());
            assertThat(shown.text()).contains(alert.get("message").asText());
        }

        for (String chart : List.of("requestRate", "successRate", "timeoutRate", "averageResponseTimeMs")) {
            Element svg = dom.selectFirst("svg[data-chart=" + chart + "]");
            assertThat(svg).as(chart).isNotNull();
            assertThat(svg.attr("data-points")).as(chart).isEqualTo(String.valueOf(SAMPLES));
            String line = svg.selectFirst("path.series").attr("d");
            assertThat(line.chars().filter(c -> c == 'M' || c == 'L').count()).as(chart).isEqualTo(SAMPLES);
        }
        assertThat(dom.select("svg[data-chart] line.threshold").eachAttr("data-threshold"))
                .containsExactly("0.95", "0.05", "2000");

        Path png = StatusPageBrowser.screenshot(page, SCREENSHOT, 1280, 1340, Duration.ofSeconds(3));
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(5 * 1024);
        assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void showsTheUnhealthyAnswerThatComesWith503() throws Exception {
        String unhealthy = unhealthyAnswer();
        URI page = serve(n -> new Answer(503, unhealthy), new AtomicInteger());

        Document dom = StatusPageBrowser.open(page, Duration.ofSeconds(3));

        assertThat(dom.body().attr("data-connection")).isEqualTo("ok");
        assertShowsEveryValue(dom, JSON.readTree(unhealthy), "", List.of("replicas", "alerts", "sessionService.configured"));
        assertThat(text(dom, "status")).isEqualTo("✕ Unhealthy");
        assertThat(dom.getElementById("http-note").text()).isEqualTo("API answered HTTP 503");
        assertThat(dom.select("#replicas tbody tr[data-node-id]")).isEmpty();
        assertThat(dom.select("#alerts li[data-alert]").eachAttr("data-alert"))
                .containsExactly("NoReadyGateway", "SessionServiceDown");
    }

    @Test
    void keepsTheLastAnswerGreyedWhenHealthServiceStopsAnswering() throws Exception {
        String first = degradedAnswer(FIRST_POLL, 1234, 7);
        URI page = serve(n -> n < FIRST_ANSWERS ? new Answer(200, first) : null, new AtomicInteger());

        Document dom = StatusPageBrowser.open(page, PAGE_TIME);

        assertThat(dom.body().attr("data-connection")).isEqualTo("unreachable");
        assertThat(dom.body().attr("data-refreshes")).isEqualTo(String.valueOf(FIRST_ANSWERS));
        assertThat(dom.getElementById("banner").hasAttr("hidden")).isFalse();
        assertThat(dom.getElementById("banner").text()).startsWith("health-service unreachable");
        assertThat(dom.getElementById("main").hasClass("stale")).isTrue();
        assertShowsEveryValue(dom, JSON.readTree(first), "", List.of("replicas", "alerts", "sessionService.configured"));
        assertThat(dom.select("#alerts li[data-alert]")).hasSize(2);
    }

    /** Every leaf of {@code json} (but {@code skipped} paths) is on the page as data-field with its raw value. */
    private static void assertShowsEveryValue(Element scope, JsonNode json, String prefix, List<String> skipped) {
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String path = prefix + entry.getKey();
            if (skipped.contains(path)) {
                continue;
            }
            JsonNode value = entry.getValue();
            if (value.isObject()) {
                assertShowsEveryValue(scope, value, path + ".", skipped);
                continue;
            }
            Element shown = scope.selectFirst("[data-field=" + path + "]");
            assertThat(shown).as("element with data-field=%s", path).isNotNull();
            assertThat(shown.hasAttr("data-value")).as("%s has data-value", path).isTrue();
            String raw = shown.attr("data-value");
            if (value.isNull()) {
                assertThat(raw).as(path).isEmpty();
            } else if (value.isNumber()) {
                assertThat(new BigDecimal(raw)).as(path).isEqualByComparingTo(value.decimalValue());
            } else {
                assertThat(raw).as(path).isEqualTo(value.asText());
            }
        }
    }

    private static Element field(Document dom, String path) {
        Element element = dom.selectFirst("[data-field=" + path + "]");
        assertThat(element).as("data-field=%s", path).isNotNull();
        return element;
    }

    private static String text(Document dom, String path) {
        return field(dom, path).text();
    }

    // ---- the canned API ------------------------------------------------------------------------------------------

    /** A health answer to serve; null from the supplier drops the connection without an answer. */
    private record Answer(int status, String json) {
    }

    private URI serve(IntFunction<Answer> health, AtomicInteger healthRequests) throws IOException {
        String history = history();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/q/cluster", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/q/cluster")) {
                send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Answer answer = health.apply(healthRequests.getAndIncrement());
            if (answer == null) {
                exchange.close();
                return;
            }
            send(exchange, answer.status(), "application/json", answer.json().getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/q/cluster/history",
                exchange -> send(exchange, 200, "application/json", history.getBytes(StandardCharsets.UTF_8)));
        server.createContext(PAGE, StatusPageBrowserTest::serveStatic);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PAGE);
    }

    private static void serveStatic(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(PAGE.length());
        Path file = STATIC_ROOT.resolve(path.isEmpty() ? "index.html" : path).normalize();
        if (!file.startsWith(STATIC_ROOT) || !Files.isRegularFile(file)) {
            send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String name = file.getFileName().toString();
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "application/octet-stream";
        send(exchange, 200, type, Files.readAllBytes(file));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Two replicas, one unreachable; success rate below 95 %, so degraded with two alerts. */
    private static String degradedAnswer(Instant polledAt, long requests, int tunnels) {
        return """
                {"status": "degraded", "reason": null,
                 "checks": {"hasConnections": true, "successRateOk": false, "timeoutRateOk": true,
                            "averageResponseTimeOk": true, "memoryOk": true},
                 "figures": {"windowSeconds": 300, "requests": %1$d, "successRate": 0.9234, "timeoutRate": 0.0312,
                             "averageResponseTimeMs": 812.5, "tunnels": %2$d, "maxMemoryBytes": 157286400},
                 "thresholds": {"minSuccessRate": 0.95, "maxTimeoutRate": 0.05, "maxAverageResponseTimeMs": 2000,
                                "maxMemoryBytes": 209715200},
                 "sessionService": {"configured": true, "url": "http://session-service:8080", "reachable": true,
                                    "store": "redis", "message": null},
                 "replicas": [
                   {"nodeId": "gw-a", "relayAddress": "10.42.0.11:7443", "managementAddress": "10.42.0.11:9000",
                    "state": "ready", "tunnels": %2$d, "streamsInFlight": 3, "requestRate": 4.3,
                    "window": {"requests": %1$d, "successRate": 0.9234, "timeoutRate": 0.0312,
                               "averageResponseTimeMs": 812.5},
                    "memoryBytes": 157286400, "memoryOk": true, "lastSeen": "%3$s", "error": null},
                   {"nodeId": "gw-b", "relayAddress": "10.42.0.12:7443", "managementAddress": null,
                    "state": "unreachable", "tunnels": 0, "streamsInFlight": 0, "requestRate": 0.0,
                    "window": {"requests": 0, "successRate": 1.0, "timeoutRate": 0.0, "averageResponseTimeMs": 0.0},
                    "memoryBytes": 0, "memoryOk": true, "lastSeen": "%4$s",
                    "error": "connect to 10.42.0.12:9000 refused"}],
                 "connections": %2$d,
                 "alerts": [
                   {"name": "SuccessRateLow", "severity": "warning",
                    "message": "Success rate 92.3 %% over the last 5 min is below 95 %%"},
                   {"name": "ReplicaUnreachable", "severity": "warning",
                    "message": "gw-b has not answered for 95 s"}],
                 "pollIntervalMs": 2000, "polledAt": "%3$s", "timestamp": "%5$s"}
                """.formatted(requests, tunnels, polledAt, polledAt.minusSeconds(95), polledAt.plusMillis(400));
    }

    /** No ready gateway and session-service down: the API answers 503 with this body. */
    private static String unhealthyAnswer() {
        return """
                {"status": "unhealthy", "reason": "SESSION_SERVICE_UNAVAILABLE",
                 "checks": {"hasConnections": false, "successRateOk": true, "timeoutRateOk": true,
                            "averageResponseTimeOk": true, "memoryOk": true},
                 "figures": {"windowSeconds": 300, "requests": 0, "successRate": 1.0, "timeoutRate": 0.0,
                             "averageResponseTimeMs": 0.0, "tunnels": 0, "maxMemoryBytes": 0},
                 "thresholds": {"minSuccessRate": 0.95, "maxTimeoutRate": 0.05, "maxAverageResponseTimeMs": 2000,
                                "maxMemoryBytes": 209715200},
                 "sessionService": {"configured": true, "url": "http://session-service:8080", "reachable": false,
                                    "store": null, "message": "connection refused"},
                 "replicas": [],
                 "connections": null,
                 "alerts": [
                   {"name": "NoReadyGateway", "severity": "critical", "message": "No gateway replica is ready"},
                   {"name": "SessionServiceDown", "severity": "critical",
                    "message": "session-service at http://session-service:8080 does not answer"}],
                 "pollIntervalMs": 1000, "polledAt": "%1$s", "timestamp": "%1$s"}
                """.formatted(NOW);
    }

    /** One sample a minute over the last hour: steady traffic, success rate sagging in the last ten minutes. */
    private static String history() {
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            long t = NOW.minusSeconds(60L * (SAMPLES - 1 - i)).toEpochMilli();
            double rate = 3.2 + 1.1 * Math.sin(i / 7.0) + 0.3 * Math.sin(i * 1.7);
            double sag = i < 50 ? 0 : (i - 49) * 0.007;
            double success = 0.991 - 0.004 * Math.abs(Math.sin(i * 0.9)) - sag;
            double timeout = 0.004 + 0.003 * Math.abs(Math.sin(i * 0.6)) + sag * 0.4;
            double average = 420 + 90 * Math.sin(i / 5.0) + 30 * Math.sin(i * 2.3) + sag * 4000;
            samples.add(String.format(Locale.ROOT,
                    "{\"t\":%d,\"replicas\":2,\"readyReplicas\":%d,\"tunnels\":%d,\"requestRate\":%.3f,"
                            + "\"successRate\":%.4f,\"timeoutRate\":%.4f,\"averageResponseTimeMs\":%.1f}",
                    t, i < 57 ? 2 : 1, 7 + i % 3, rate, success, timeout, average));
        }
        return "{\"intervalMs\":60000,\"samples\":[" + String.join(",", samples) + "]}";
    }
}
