package dev.localbridge.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.localbridge.gateway.testing.LocalCluster.Gateway;
import dev.localbridge.gateway.testing.PrometheusText;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import dev.localbridge.health.page.StatusPageBrowser;

/**
 * The health states driven for real, in the order an operator would live them: session-service up with no gateway
 * (unhealthy), gateways up with zero tunnels (healthy), a tunnel whose local service times out (degraded), a replica
 * killed (shown unreachable within one poll), Redis stopped (unhealthy). Every part is a real process. The detail is
 * read from the operator view on the management port ({@code /q/cluster}); in every state the public answer
 * ({@code /api/tunnel/health}) has the same status, checks and counts and names none of the addresses, node ids, URLs
 * and error texts that the operator view shows.
 */
@QuarkusTest
@TestProfile(ClusterHealthStatesTest.WithLiveCluster.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterHealthStatesTest {

    public static class WithLiveCluster implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LiveCluster.class));
        }
    }

    private static final String USER = "auth0|health";
    private static final Duration ONE_POLL = Duration.ofMillis(LiveCluster.POLL_MS * 2 + 1000);
    private static final Map<String, String> GATEWAY_ENV = Map.of("TUNNEL_REQUEST_TIMEOUT_ROUTES", "/slow=800",
            "TUNNEL_DRAIN_TIMEOUT", "4000");
    private static Gateway a;
    private static Gateway b;

    @TempDir
    static Path dir;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    // relative to the management root path (/q)
    @TestHTTPResource(value = "status/", management = true)
    URL page;

    @Test
    @Order(1)
    void withNoGatewayRegisteredTunnelsCannotBeCreated() {
        health().then().statusCode(503);
        Views.operatorView().then().statusCode(503);
        JsonPath report = report();
        assertThat(report.getString("status")).isEqualTo("unhealthy");
        assertThat(report.getString("reason")).isEqualTo("NO_READY_GATEWAY");
        assertThat(report.getBoolean("sessionService.reachable")).isTrue();
        assertThat(report.getString("sessionService.store")).isEqualTo("redis");
        assertThat(report.getString("sessionService.url")).startsWith(LiveCluster.cluster.sessionUrl());
        assertThat(report.getList("replicas")).isEmpty();
        assertThat(report.getList("alerts.name")).containsExactly("NoReadyGateway");

        assertPublicMatchesAndRevealsNoTopology();
        JsonPath shown = publicReport();
        assertThat(shown.getString("reason")).isEqualTo("NO_READY_GATEWAY");
        assertThat(shown.getBoolean("sessionService.reachable")).isTrue();
        assertThat(shown.getInt("replicas.registered")).isZero();
        assertThat(shown.getList("alerts.name")).containsExactly("NoReadyGateway");
    }

    @Test
    @Order(2)
    void gatewaysUpWithZeroTunnelsIsHealthy() {
        a = LiveCluster.cluster.startGateway("gateway-a", GATEWAY_ENV);
        b = LiveCluster.cluster.startGateway("gateway-b", GATEWAY_ENV);
        await().atMost(Duration.ofSeconds(15)).until(() -> report().getList("replicas.state")
                .equals(List.of("ready", "ready")));
        health().then().statusCode(200);
        JsonPath report = report();
        assertThat(report.getString("status")).isEqualTo("healthy");
        assertThat(report.getBoolean("checks.hasConnections")).isFalse();
        assertThat(report.getList("replicas.nodeId")).containsExactly("gateway-a", "gateway-b");
        assertThat(report.getString("replicas[0].managementAddress")).isEqualTo("127.0.0.1:" + a.managementPort());
        assertThat(report.getString("replicas[1].relayAddress")).isEqualTo("127.0.0.1:" + b.relayPort());
        assertThat(report.getInt("figures.tunnels")).isZero();
        assertThat(report.getList("alerts")).isEmpty();
        assertThat(report.getLong("replicas[0].memoryBytes")).isPositive();

        assertPublicMatchesAndRevealsNoTopology();
        JsonPath shown = publicReport();
        assertThat(shown.getInt("replicas.registered")).isEqualTo(2);
        assertThat(shown.getInt("replicas.ready")).isEqualTo(2);
        assertThat((Object) shown.get("reason")).isNull();
    }

    @Test
    @Order(3)
    void upstreamTimeoutsTurnTheTimeoutCheckRedAndTheClusterDegraded() throws Exception {
        LiveCluster.cluster.startAgent(USER, a.port(), LiveCluster.ollama.url(), dir);
        await().atMost(ONE_POLL).until(() -> report().getInt("figures.tunnels") == 1);
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> status(b, "/api/tags")));
        }
        for (int i = 0; i < 4; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> status(a, "/slow?delayMs=3000")));
        }
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(12);
        assertThat(statuses).filteredOn(s -> s == 504).hasSize(4);

        await().atMost(ONE_POLL).until(() -> report().getLong("figures.requests") == 16);
        health().then().statusCode(200);
        JsonPath report = report();
        assertThat(report.getString("status")).isEqualTo("degraded");
        assertThat(report.getBoolean("checks.hasConnections")).isTrue();
        assertThat(report.getBoolean("checks.timeoutRateOk")).isFalse();
        assertThat(report.getBoolean("checks.successRateOk")).isFalse();
        assertThat(report.getDouble("figures.timeoutRate")).isEqualTo(0.25);
        assertThat(report.getBoolean("checks.averageResponseTimeOk")).isTrue();
        assertThat(report.getList("alerts.name")).contains("TimeoutRateHigh", "SuccessRateLow");
        // requests are counted by the replica the caller reached: 12 through B (relayed to A), 4 on A
        assertThat(report.getLong("replicas.find { it.nodeId == 'gateway-a' }.window.requests")).isEqualTo(4);
        assertThat(report.getLong("replicas.find { it.nodeId == 'gateway-b' }.window.requests")).isEqualTo(12);
        assertThat(report.getInt("replicas.find { it.nodeId == 'gateway-a' }.tunnels")).isEqualTo(1);

        assertPublicMatchesAndRevealsNoTopology();
        JsonPath shown = publicReport();
        assertThat(shown.getLong("figures.requests")).isEqualTo(16);
        assertThat(shown.getDouble("figures.timeoutRate")).isEqualTo(0.25);
        assertThat(shown.getList("alerts.name")).contains("TimeoutRateHigh", "SuccessRateLow");
    }

    @Test
    @Order(4)
    void theStatusPageInChromiumShowsWhatTheApiSays() throws Exception {
        URI page = this.page.toURI();
        Document dom = StatusPageBrowser.open(page, Duration.ofSeconds(3));
        JsonPath api = report();
        assertThat(Integer.parseInt(dom.body().attr("data-refreshes"))).isGreaterThanOrEqualTo(1);
        assertThat(dom.body().attr("data-connection")).isEqualTo("ok");
        assertThat(field(dom, "status")).isEqualTo("degraded").isEqualTo(api.getString("status"));
        for (String check : List.of("hasConnections", "successRateOk", "timeoutRateOk", "averageResponseTimeOk",
                "memoryOk")) {
            assertThat(field(dom, "checks." + check)).as(check).isEqualTo(api.getString("checks." + check));
        }
        for (String figure : List.of("requests", "successRate", "timeoutRate", "tunnels")) {
            assertThat(Double.parseDouble(field(dom, "figures." + figure))).as(figure)
                    .isEqualTo(api.getDouble("figures." + figure));
        }
        assertThat(field(dom, "sessionService.store")).isEqualTo("redis");
        for (String node : List.of("gateway-a", "gateway-b")) {
            Element row = dom.selectFirst("tr[data-node-id=" + node + "]");
            assertThat(row).as(node).isNotNull();
            String inApi = "replicas.find { it.nodeId == '" + node + "' }.";
            assertThat(row.selectFirst("[data-field=state]").attr("data-value")).isEqualTo(api.getString(inApi + "state"));
            assertThat(row.selectFirst("[data-field=tunnels]").attr("data-value")).isEqualTo(api.getString(inApi + "tunnels"));
            assertThat(Double.parseDouble(row.selectFirst("[data-field='window.requests']").attr("data-value")))
                    .isEqualTo(api.getDouble(inApi + "window.requests"));
        }
        assertThat(dom.select("li[data-alert]").eachAttr("data-alert"))
                .containsExactlyInAnyOrderElementsOf(api.getList("alerts.name"));
        // one point per poll for the request rate; the rate charts only where an interval had requests
        int samples = given().get(Views.management("/q/cluster/history")).then().extract().jsonPath()
                .getList("samples").size();
        assertThat(Integer.parseInt(dom.selectFirst("svg[data-chart=requestRate]").attr("data-points")))
                .isBetween(2, samples);
        assertThat(dom.select("svg[data-chart]")).hasSize(4)
                .allSatisfy(chart -> assertThat(Integer.parseInt(chart.attr("data-points"))).isPositive());
        Path png = StatusPageBrowser.screenshot(page,
                Path.of(System.getProperty("project.build.directory", "target"), "status-page-live.png"), 1280, 1400,
                Duration.ofSeconds(3));
        assertThat(Files.size(png)).isGreaterThan(5_000);
    }

    private static String field(Document dom, String path) {
        Element element = dom.selectFirst("[data-field='" + path + "']");
        assertThat(element).as(path).isNotNull();
        return element.attr("data-value");
    }

    @Test
    @Order(5)
    void metricNamesArePresentAfterTraffic() throws Exception {
        PrometheusText page = new PrometheusText(given().get(metrics).then().statusCode(200).extract().asString());
        assertThat(page.sum("localbridge_health_status")).isEqualTo(1);
        assertThat(page.sum("localbridge_health_replicas", "state", "ready")).isEqualTo(2);
        assertThat(page.has("localbridge_health_replicas", "state", "unreachable")).isTrue();
        Path out = Path.of(System.getProperty("project.build.directory", "target"), "exported-metrics.txt");
        Files.write(out, new TreeSet<>(page.names()));
    }

    @Test
    @Order(6)
    void aHungReplicaIsShownUnreachableWhileTheReportStillAnswersAtOnce() throws Exception {
        b.process().pause();
        try {
            long hung = System.nanoTime();
            // until its registration expires (no heartbeat from a hung process), it is listed as unreachable
            JsonPath seen = await().atMost(ONE_POLL.plusSeconds(2)).pollInterval(Duration.ofMillis(50))
                    .until(ClusterHealthStatesTest::report, r -> "unreachable".equals(
                            r.getString("replicas.find { it.nodeId == 'gateway-b' }.state")));
            System.out.printf("hung gateway-b shown unreachable %d ms after SIGSTOP (probe timeout 1000 ms)%n",
                    (System.nanoTime() - hung) / 1_000_000);
            assertThat(seen.getString("replicas.find { it.nodeId == 'gateway-b' }.error"))
                    .containsAnyOf("timed out", "no answer within");
            assertThat(seen.getString("replicas.find { it.nodeId == 'gateway-a' }.state")).isEqualTo("ready");
            assertThat(seen.getString("replicas.find { it.nodeId == 'gateway-b' }.error")).isNotBlank();
            assertThat(assertPublicRevealsNoTopology(seen).shown().getInt("replicas.unreachable")).isEqualTo(1);
            // the report is read from the last poll: a hung replica never makes a caller wait
            for (int i = 0; i < 5; i++) {
                health().then().time(org.hamcrest.Matchers.lessThan(900L)); // below the 1 s probe timeout, with slack
            }
        } finally {
            b.process().resume();
        }
        await().atMost(ONE_POLL.plusSeconds(2)).until(() -> "ready".equals(
                report().getString("replicas.find { it.nodeId == 'gateway-b' }.state")));
    }

    @Test
    @Order(7)
    void aKilledReplicaIsShownUnreachableWithinOnePoll() throws Exception {
        b.process().kill();
        long killed = System.nanoTime();
        // until its registration expires (TUNNEL_NODE_TTL, 3 s here) it is listed, unreachable, with the error
        JsonPath seen = await().atMost(ONE_POLL).pollInterval(Duration.ofMillis(50))
                .until(ClusterHealthStatesTest::report, r -> "unreachable".equals(
                        r.getString("replicas.find { it.nodeId == 'gateway-b' }.state")));
        assertThat(seen.getString("replicas.find { it.nodeId == 'gateway-b' }.error")).isNotBlank();
        JsonPath shown = assertPublicRevealsNoTopology(seen).shown();
        System.out.printf("gateway-b shown unreachable %d ms after kill -9 (poll every %d ms)%n",
                (System.nanoTime() - killed) / 1_000_000, LiveCluster.POLL_MS);
        JsonPath report = seen;
        assertThat(report.getList("alerts.name")).contains("ReplicaUnreachable");
        assertThat(report.getString("replicas.find { it.nodeId == 'gateway-a' }.state")).isEqualTo("ready");
        assertThat(report.getString("status")).isNotEqualTo("unhealthy");
        assertThat(shown.getInt("replicas.unreachable")).isEqualTo(1);
        assertThat(shown.getInt("replicas.ready")).isEqualTo(1);
        assertThat(shown.getList("alerts.name")).contains("ReplicaUnreachable");
        assertThat(shown.getString("status")).isNotEqualTo("unhealthy");
    }

    @Test
    @Order(8)
    void theLastReplicaDrainingIsShownDrainingAndTunnelsCannotBeCreated() throws Exception {
        // SIGTERM: gateway-a turns not-ready and drains; its agent cannot move (it dials gateway-a itself), so the
        // drain lasts until TUNNEL_DRAIN_TIMEOUT and the state is observable
        a.process().terminate();
        JsonPath seen = await().atMost(ONE_POLL.plusSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(ClusterHealthStatesTest::report, r -> "draining".equals(
                        r.getString("replicas.find { it.nodeId == 'gateway-a' }.state")));
        assertThat(seen.getString("status")).isEqualTo("unhealthy");
        assertThat(seen.getList("alerts.name")).contains("NoReadyGateway");
        assertThat(seen.getString("alerts.find { it.name == 'NoReadyGateway' }.message")).contains("ready");
        health().then().statusCode(503);
        assertThat(assertPublicRevealsNoTopology(null).shown().getString("reason")).isEqualTo("NO_READY_GATEWAY");
    }

    @Test
    @Order(9)
    void redisStoppedMeansTunnelsCannotBeCreated() throws Exception {
        LiveCluster.cluster.redis().stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.FALSE.equals(
                report().get("sessionService.reachable")));
        health().then().statusCode(503);
        JsonPath report = report();
        assertThat(report.getString("status")).isEqualTo("unhealthy");
        assertThat(report.getString("sessionService.message")).contains("503");
        assertThat(report.getString("reason")).isEqualTo("SESSION_SERVICE_UNAVAILABLE");
        assertThat(report.getList("alerts.name")).contains("SessionServiceDown");

        assertPublicMatchesAndRevealsNoTopology();
        JsonPath shown = publicReport();
        assertThat(shown.getString("reason")).isEqualTo("SESSION_SERVICE_UNAVAILABLE");
        assertThat(shown.getBoolean("sessionService.reachable")).isFalse();
        assertThat(shown.getList("alerts.name")).contains("SessionServiceDown");
    }

    private static int status(Gateway via, String path) {
        try {
            return LiveCluster.cluster.get(via, USER, path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public answer. */
    private static io.restassured.response.Response health() {
        return Views.publicHealth();
    }

    private static JsonPath publicReport() {
        return health().then().extract().jsonPath();
    }

    /** The operator's detailed view (management port). */
    private static JsonPath report() {
        return Views.operatorView().then().extract().jsonPath();
    }

    /**
     * The public answer names nothing that {@code operator} (null: the operator view read now) shows, nor any address
     * of the processes of this cluster.
     */
    private static Views.Both assertPublicRevealsNoTopology(JsonPath operator) {
        List<String> known = new ArrayList<>(List.of(LiveCluster.cluster.sessionUrl()));
        for (Gateway g : new Gateway[] {a, b}) {
            if (g != null) {
                known.addAll(List.of(g.nodeId(), "127.0.0.1:" + g.port(), "127.0.0.1:" + g.managementPort(),
                        "127.0.0.1:" + g.relayPort()));
            }
        }
        String[] secrets = known.toArray(String[]::new);
        return operator == null ? Views.assertPublicRevealsNoTopology(secrets)
                : Views.assertPublicRevealsNoTopology(operator, secrets);
    }

    /**
     * As {@link #assertPublicRevealsNoTopology(JsonPath)}, and the public answer says what the operator view says: the same
     * status, reason, checks, figures and replica counts (read within one poll interval of each other, so the test
     * calls it only in a settled state).
     */
    private static void assertPublicMatchesAndRevealsNoTopology() {
        Views.Both both = assertPublicRevealsNoTopology(null);
        JsonPath operator = both.operator();
        JsonPath shown = both.shown();
        assertThat(shown.getString("status")).isEqualTo(operator.getString("status"));
        assertThat(shown.getString("reason")).isEqualTo(operator.getString("reason"));
        assertThat(shown.getMap("checks")).isEqualTo(operator.getMap("checks"));
        assertThat(shown.getMap("thresholds")).isEqualTo(operator.getMap("thresholds"));
        assertThat(shown.getInt("replicas.registered")).isEqualTo(operator.getList("replicas").size());
        assertThat(shown.getMap("figures")).containsOnlyKeys(operator.getMap("figures").keySet());
    }
}
