package dev.localbridge.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PromQL name extractor on the tricky cases, and every monitoring check failing on a broken input. */
class MonitoringChecksTest {

    static final Set<String> EXPORTED = Set.of("localbridge_requests_total", "localbridge_tunnels_open",
            "localbridge_request_ttfb_seconds_bucket", "localbridge_request_ttfb_seconds_sum",
            "localbridge_request_ttfb_seconds_count", "localbridge_memory_used_bytes", "localbridge_health_status",
            "localbridge_health_replicas");

    // ------------------------------------------------------------------------------------------------ extractor

    @Test
    void labelMatchersAndGroupingLabelsAreNotMetrics() {
        assertThat(PromQl.metricNames("sum by (pod, outcome) (rate(localbridge_requests_total{result!=\"excluded\","
                + " outcome=~\"broken|TUNNEL_CLOSED\", job='gateway-service'}[5m]))"))
                .containsExactly("localbridge_requests_total");
        assertThat(PromQl.metricNames("sum(rate(a_total[5m])) by (pod) / ignoring(reason) sum without (instance, \"odd.label\") (b)"))
                .containsExactly("a_total", "b");
    }

    @Test
    void offsetDurationsNumbersAndBoolAreNotMetrics() {
        assertThat(PromQl.metricNames("sum(localbridge_tunnels_open) < 0.5 * sum(localbridge_tunnels_open offset 10m)"
                + " and sum(localbridge_tunnels_open offset -1h30m) > bool 2e+6 or vector(0x1F) > Inf"))
                .containsExactly("localbridge_tunnels_open");
    }

    @Test
    void histogramQuantileWithGrafanaVariables() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le) (rate(localbridge_request_ttfb_seconds_bucket"
                + "{namespace=\"$namespace\"}[$__rate_interval])))  * ${scale} + $offset"))
                .containsExactly("localbridge_request_ttfb_seconds_bucket");
    }

    @Test
    void vectorMatchingLabelListsAreNotMetrics() {
        assertThat(PromQl.metricNames("localbridge_memory_used_bytes * on(pod) group_left(node, zone) kube_pod_info"))
                .containsExactly("localbridge_memory_used_bytes", "kube_pod_info");
        assertThat(PromQl.metricNames("a unless on (namespace) up{job=\"gateway-service\"} == 0 and on(x) group_right b"))
                .containsExactly("a", "up", "b");
    }

    @Test
    void subqueriesStringsCommentsAndNameMatchers() {
        assertThat(PromQl.metricNames("max_over_time(sum by (namespace) (localbridge_tunnels_open)[10m:1m])"))
                .containsExactly("localbridge_tunnels_open");
        assertThat(PromQl.metricNames("label_replace(up, \"dst\", \"$1 {x} by (y)\", \"src\", \"(.*)\")"))
                .containsExactly("up");
        assertThat(PromQl.metricNames("# a comment naming not_a_metric\n{__name__=\"z_total\", job=\"a\"} + {\"dotted.name\"}"))
                .containsExactly("z_total", "dotted.name");
        assertThat(PromQl.metricNames("rate(x_total[5m] @ end()) + count_values(\"v\", topk(3, y))"))
                .containsExactly("x_total", "y");
    }

    @Test
    void refusesWhatItCannotCheck() {
        assertThatThrownBy(() -> PromQl.metricNames("rat(localbridge_requests_total[5m])"))
                .hasMessageContaining("unknown function rat");
        assertThatThrownBy(() -> PromQl.metricNames("{__name__=~\"localbridge_.*\"}"))
                .hasMessageContaining("cannot be checked");
        assertThatThrownBy(() -> PromQl.metricNames("sum(rate(x[5m])")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> PromQl.metricNames("x{a=\"b}")).hasMessageContaining("unterminated");
    }

    // ------------------------------------------------------------------------------------------------ rules

    static GenericKubernetesResource rule(String rulesYaml) throws Exception {
        String yaml = """
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata:
                  name: test
                spec:
                  groups:
                    - name: g
                      rules:
                """ + rulesYaml.indent(8);
        Manifests.Parsed parsed = Manifests.read(yaml);
        assertThat(parsed.problems()).isEmpty();
        return (GenericKubernetesResource) parsed.objects().get(0);
    }

    static String alert(String name, String expr) {
        return """
                - alert: %s
                  expr: |
                    %s
                  for: 5m
                  labels:
                    severity: warning
                  annotations:
                    summary: "value {{ $value }}"
                    description: "value {{ $value | humanizePercentage }}"
                    runbook_url: docs/operations.md#alerts
                """.formatted(name, expr);
    }

    @Test
    void aRuleNamingAnUnknownMetricFails() throws Exception {
        GenericKubernetesResource ok = rule(alert("Ok", "sum(rate(localbridge_requests_total[5m])) > 0 and up == 0"));
        assertThat(MonitoringChecks.unknownMetrics(MonitoringChecks.ruleQueries(ok), EXPORTED)).isEmpty();

        GenericKubernetesResource typo = rule(alert("Typo", "sum(rate(localbridge_request_totals[5m])) > 0"));
        assertThat(MonitoringChecks.unknownMetrics(MonitoringChecks.ruleQueries(typo), EXPORTED))
                .singleElement().asString()
                .contains("PrometheusRule/test alert Typo", "localbridge_request_totals is exported by no service",
                        "did you mean localbridge_requests_total?");

        GenericKubernetesResource ksm = rule(alert("Ksm", "kube_deployment_status_replicas_available < 1"));
        assertThat(MonitoringChecks.unknownMetrics(MonitoringChecks.ruleQueries(ksm), EXPORTED))
                .singleElement().asString().contains("kube_deployment_status_replicas_available is exported by no service");

        GenericKubernetesResource broken = rule(alert("Broken", "sum(rate(localbridge_requests_total[5m])"));
        assertThat(MonitoringChecks.unknownMetrics(MonitoringChecks.ruleQueries(broken), EXPORTED))
                .singleElement().asString().contains("unbalanced");
    }

    @Test
    void recordedNamesCountAsKnown() throws Exception {
        GenericKubernetesResource r = rule("""
                - record: namespace:localbridge_requests:rate5m
                  expr: sum by (namespace) (rate(localbridge_requests_total[5m]))
                """ + alert("UsesRecord", "namespace:localbridge_requests:rate5m > 100"));
        Set<String> known = new java.util.HashSet<>(EXPORTED);
        assertThat(MonitoringChecks.unknownMetrics(MonitoringChecks.ruleQueries(r), known)).hasSize(1);
        known.addAll(MonitoringChecks.recordedNames(r));
        assertThat(MonitoringChecks.unknownMetrics(MonitoringChecks.ruleQueries(r), known)).isEmpty();
    }

    @Test
    void anAlertWithoutForSeveritySummaryOrRunbookFails() throws Exception {
        GenericKubernetesResource complete = rule(alert("Complete", "up == 0"));
        assertThat(MonitoringChecks.checkRuleShape(complete)).isEmpty();
        assertThat(MonitoringChecks.checkAlerts(MonitoringChecks.alerts(complete))).isEmpty();

        GenericKubernetesResource bare = rule("""
                - alert: Bare
                  expr: up == 0
                  for: 0m
                  labels:
                    severity: page
                  annotations:
                    summary: "instance down"
                    description: "{{ $value"
                    runbook_url: https://example.com/
                - alert: Bare
                  expr: up == 0
                """);
        assertThat(MonitoringChecks.checkAlerts(MonitoringChecks.alerts(bare))).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("alert Bare: needs `for:`", "has 0m"),
                p -> assertThat(p).contains("labels.severity must be one of", "has page"),
                p -> assertThat(p).contains("annotations.summary does not show the value"),
                p -> assertThat(p).contains("annotations.description has unbalanced"),
                p -> assertThat(p).contains("runbook_url must point at docs/operations.md#"),
                p -> assertThat(p).contains("duplicate alert name"),
                p -> assertThat(p).contains("needs `for:`", "has null"),
                p -> assertThat(p).contains("labels.severity must be one of", "has null"),
                p -> assertThat(p).contains("annotations.summary is missing"),
                p -> assertThat(p).contains("annotations.description is missing"),
                p -> assertThat(p).contains("runbook_url must point at", "has null"));

        GenericKubernetesResource noExpr = rule("""
                - alert: NoExpr
                  for: 5m
                """);
        assertThat(MonitoringChecks.checkRuleShape(noExpr)).singleElement().asString().contains("rule without expr");
    }

    @Test
    void aMissingOrChangedGuideLevelFails() throws Exception {
        String all = alert("Success", "1 - sum(rate(localbridge_requests_total{result=~\"failed|timeout\"}[5m])) / sum(rate(localbridge_requests_total[5m])) < 0.95")
                + alert("Timeout", "sum(rate(localbridge_requests_total{result=\"timeout\"}[5m])) / sum(rate(localbridge_requests_total[5m])) > 0.05")
                + alert("Ttfb", "sum(rate(localbridge_request_ttfb_seconds_sum[5m])) / sum(rate(localbridge_request_ttfb_seconds_count[5m])) > 2")
                + alert("Memory", "localbridge_memory_used_bytes > 209715200")
                + alert("Dropped", "sum(localbridge_tunnels_open) < 0.5 * max_over_time(sum(localbridge_tunnels_open)[10m:1m])")
                + alert("NoGateway", "sum(localbridge_health_replicas{state=\"ready\"}) < 1")
                + alert("Unhealthy", "max(localbridge_health_status) == 2");
        assertThat(MonitoringChecks.checkGuideLevels(MonitoringChecks.alerts(rule(all)))).isEmpty();

        String changed = all.replace("< 0.95", "< 0.9").replace("> 2\n", "> 20\n").replace("209715200", "200e6");
        assertThat(MonitoringChecks.checkGuideLevels(MonitoringChecks.alerts(rule(changed)))).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("success rate below 95 %"),
                p -> assertThat(p).contains("average time to first byte above 2 s"),
                p -> assertThat(p).contains("memory above 200 MB"));
    }

    // ------------------------------------------------------------------------------------------------ dashboard

    static final String DASHBOARD = """
            {"uid": "x", "title": "X",
             "templating": {"list": [
               {"type": "datasource", "name": "datasource", "query": "prometheus"},
               {"type": "query", "name": "namespace", "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "query": "label_values(localbridge_memory_used_bytes, namespace)"}]},
             "panels": [
               {"type": "row", "id": 1, "title": "R", "gridPos": {}, "panels": []},
               {"type": "timeseries", "id": 2, "title": "P", "gridPos": {},
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "targets": [{"refId": "A", "expr": "sum by (pod) (localbridge_tunnels_open{namespace=\\"$namespace\\"})",
                             "datasource": {"type": "prometheus", "uid": "${datasource}"}}]}]}
            """;

    @Test
    void aDashboardNamingAnUnknownMetricOrAFixedDatasourceFails() throws Exception {
        var good = MonitoringChecks.readDashboard(DASHBOARD);
        assertThat(MonitoringChecks.checkDashboard(good)).isEmpty();
        assertThat(MonitoringChecks.dashboardQueries(good)).extracting(MonitoringChecks.Query::expr)
                .containsExactly("sum by (pod) (localbridge_tunnels_open{namespace=\"$namespace\"})",
                        "localbridge_memory_used_bytes");
        assertThat(MonitoringChecks.unknownMetrics(MonitoringChecks.dashboardQueries(good), EXPORTED)).isEmpty();

        var bad = MonitoringChecks.readDashboard(DASHBOARD
                .replace("localbridge_tunnels_open{namespace=\\\"$namespace\\\"}", "localbridge_tunnel_open")
                .replace("\"${datasource}\"}}]", "\"P1809F7CD0C75ACF3\"}}]")
                .replace("label_values(localbridge_memory_used_bytes, namespace)", "label_values(namespace)")
                .replace("\"id\": 2", "\"id\": 1"));
        assertThat(MonitoringChecks.checkDashboard(bad)).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("panel \"P\"", "duplicate id 1"),
                p -> assertThat(p).contains("panel \"P\" target A: datasource must be ${datasource}"),
                p -> assertThat(p).contains("panel \"P\" target A: not filtered by $namespace"));
        assertThat(MonitoringChecks.unknownMetrics(MonitoringChecks.dashboardQueries(bad), EXPORTED)).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("localbridge_tunnel_open is exported by no service",
                        "did you mean localbridge_tunnels_open?"),
                p -> assertThat(p).contains("variable $namespace: reads no metric"));
    }

    // ------------------------------------------------------------------------------------------------ exported files

    @Test
    void aMissingOrEmptyExportedMetricsFileFailsSayingHowToMakeIt(@TempDir Path dir) throws Exception {
        Path gateway = Files.writeString(dir.resolve("gateway.txt"), "# families\nlocalbridge_tunnels_open\n\nup_not\n");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n");
        assertThat(MonitoringChecks.exportedMetrics(List.of(gateway))).containsExactly("localbridge_tunnels_open", "up_not");
        assertThatThrownBy(() -> MonitoringChecks.exportedMetrics(List.of(gateway, dir.resolve("missing.txt"))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("missing.txt is missing").hasMessageContaining("run `./mvnw verify` from the repository root");
        assertThatThrownBy(() -> MonitoringChecks.exportedMetrics(List.of(empty)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("lists no metric")
                .hasMessageContaining("./mvnw verify");
    }
}
