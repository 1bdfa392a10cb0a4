package dev.localbridge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring component as the prod overlay ships it: the PrometheusRule's alerts and the Grafana dashboard read
 * only metrics the services export (their own tests list them in {@code <module>/target/exported-metrics.txt}, earlier
 * in the same {@code ./mvnw verify}), every alert is complete, and the deployment guide's levels are alerted.
 */
class MonitoringTest {

    static List<GenericKubernetesResource> rules;
    static ConfigMap dashboardConfigMap;
    static JsonNode dashboard;

    @BeforeAll
    static void renderProd() throws Exception {
        Manifests.Parsed parsed = Manifests.read(Manifests.render("overlays/prod"));
        assertThat(parsed.problems()).as("strict read of overlays/prod").isEmpty();
        rules = parsed.objects().stream().filter(o -> o instanceof GenericKubernetesResource
                && "PrometheusRule".equals(o.getKind())).map(GenericKubernetesResource.class::cast).toList();
        assertThat(rules).as("PrometheusRules in overlays/prod").isNotEmpty();
        List<ConfigMap> dashboards = parsed.objects().stream().filter(ConfigMap.class::isInstance)
                .map(ConfigMap.class::cast).filter(c -> c.getMetadata().getName().equals("localbridge-grafana-dashboard"))
                .toList();
        assertThat(dashboards).as("dashboard ConfigMap in overlays/prod").hasSize(1);
        dashboardConfigMap = dashboards.get(0);
        assertThat(dashboardConfigMap.getData()).as("dashboard ConfigMap data").containsOnlyKeys("localbridge-dashboard.json");
        dashboard = MonitoringChecks.readDashboard(dashboardConfigMap.getData().get("localbridge-dashboard.json"));
    }

    static Set<String> exported() throws Exception {
        List<Path> files = MonitoringChecks.SERVICES.stream().map(MonitoringChecks::exportedMetricsFile).toList();
        return MonitoringChecks.exportedMetrics(files);
    }

    @Test
    void alertRulesReadOnlyExportedOrPrometheusGeneratedMetrics() throws Exception {
        Set<String> known = new HashSet<>(exported());
        List<MonitoringChecks.Query> queries = new ArrayList<>();
        for (GenericKubernetesResource rule : rules) {
            known.addAll(MonitoringChecks.recordedNames(rule));
            queries.addAll(MonitoringChecks.ruleQueries(rule));
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        assertThat(MonitoringChecks.unknownMetrics(queries, known)).isEmpty();
    }

    @Test
    void dashboardReadsOnlyExportedOrPrometheusGeneratedMetrics() throws Exception {
        List<MonitoringChecks.Query> queries = MonitoringChecks.dashboardQueries(dashboard);
        assertThat(queries).hasSizeGreaterThanOrEqualTo(20);
        assertThat(MonitoringChecks.unknownMetrics(queries, exported())).isEmpty();
    }

    @Test
    void everyAlertHasForSeveritySummaryDescriptionAndRunbook() {
        for (GenericKubernetesResource rule : rules) {
            assertThat(MonitoringChecks.checkRuleShape(rule)).isEmpty();
            assertThat(MonitoringChecks.checkAlerts(MonitoringChecks.alerts(rule))).isEmpty();
        }
    }

    @Test
    void everyLevelOfTheGuideIsAlerted() {
        List<MonitoringChecks.Alert> alerts = rules.stream().flatMap(r -> MonitoringChecks.alerts(r).stream()).toList();
        assertThat(MonitoringChecks.checkGuideLevels(alerts)).isEmpty();
        assertThat(alerts).extracting(MonitoringChecks.Alert::name).contains("LocalBridgeTunnelSuccessRateLow",
                "LocalBridgeTunnelTimeoutRateHigh", "LocalBridgeAverageTimeToFirstByteHigh", "LocalBridgeTunnelsDropped",
                "LocalBridgeInstanceMemoryHigh", "LocalBridgeNoReadyGateway", "LocalBridgeUnhealthy");
        assertThat(alerts).filteredOn(a -> List.of("LocalBridgeNoReadyGateway", "LocalBridgeUnhealthy").contains(a.name()))
                .allSatisfy(a -> assertThat(a.labels().get("severity")).as(a.name()).isEqualTo("critical"));
    }

    @Test
    void dashboardShipsAsAGrafanaSidecarConfigMap() {
        HasMetadata cm = dashboardConfigMap;
        assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        // kubectl apply (client-side) copies the object into an annotation limited to 256 KiB
        int bytes = dashboardConfigMap.getData().get("localbridge-dashboard.json").getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("dashboard JSON size").isLessThan(200 * 1024);
        assertThat(MonitoringChecks.checkDashboard(dashboard)).isEmpty();
    }

    @Test
    void dashboardShowsEveryLocalBridgeMetricAndTheAlertLevels() {
        Set<String> read = new HashSet<>();
        MonitoringChecks.dashboardQueries(dashboard).forEach(q -> read.addAll(PromQl.metricNames(q.expr())));
        // the families of the issue-4 contract
        assertThat(read).contains("localbridge_tunnels_open", "localbridge_streams_in_flight",
                "localbridge_tunnel_connects_total", "localbridge_tunnel_disconnects_total",
                "localbridge_tunnel_handshake_rejections_total", "localbridge_tunnel_protocol_errors_total",
                "localbridge_tunnel_bytes_total", "localbridge_requests_total",
                "localbridge_request_duration_seconds_bucket", "localbridge_request_ttfb_seconds_bucket",
                "localbridge_request_ttfb_seconds_sum", "localbridge_request_ttfb_seconds_count",
                "localbridge_relay_hops_total", "localbridge_relay_misdirected_total", "localbridge_relay_served_total",
                "localbridge_rate_limit_rejections_total", "localbridge_lease_operations_total",
                "localbridge_session_errors_total", "localbridge_session_lease_operations_total",
                "localbridge_session_store_errors_total", "localbridge_memory_used_bytes", "localbridge_health_status",
                "localbridge_health_replicas");
        List<String> exprs = MonitoringChecks.dashboardQueries(dashboard).stream().map(MonitoringChecks.Query::expr).toList();
        assertThat(exprs).anyMatch(e -> e.startsWith("histogram_quantile(0.99") && e.contains("localbridge_request_ttfb_seconds_bucket"));

        JsonNode memory = MonitoringChecks.panels(dashboard).stream()
                .filter(p -> p.path("title").asText().equals("Memory per instance")).findFirst().orElseThrow();
        assertThat(memory.path("fieldConfig").path("defaults").path("thresholds").path("steps").findValuesAsText("value"))
                .as("200 MB line on the memory panel").contains("209715200");
        assertThat(memory.path("fieldConfig").path("defaults").path("custom").path("thresholdsStyle").path("mode").asText())
                .isEqualTo("line");
    }
}
