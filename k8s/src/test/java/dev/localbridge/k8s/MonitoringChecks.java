package dev.localbridge.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of the monitoring component: every PromQL expression of the alert rules and the Grafana dashboard names
 * only metrics the services really export (their tests list them in {@code <module>/target/exported-metrics.txt})
 * or that Prometheus generates itself; every alert is complete; the guide's alert levels are there. Each method
 * returns the problems found, naming where; empty = fine.
 */
final class MonitoringChecks {

    /**
     * Series Prometheus writes itself for every scrape target (no service exports them). Kept to this explicit list:
     * kube-state-metrics or node-exporter names are not here on purpose, since LocalBridge does not ship those.
     */
    static final Set<String> PROMETHEUS_GENERATED = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");

    static final List<String> SERVICES = List.of("gateway-service", "session-service", "health-service");

    static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

    /** Where each runbook hint must point. */
    static final String RUNBOOK_PREFIX = "docs/operations.md#";

    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");

    /** One of the deployment guide's alert levels: some alert naming {@code metric} compares as {@code comparison}. */
    record GuideLevel(String what, String metric, String mustContain, Pattern comparison) {
    }

    static final List<GuideLevel> GUIDE_LEVELS = List.of(
            new GuideLevel("tunnel success rate below 95 %", "localbridge_requests_total", "failed",
                    Pattern.compile("<\\s*0?\\.95(?![0-9])")),
            new GuideLevel("timeout rate above 5 %", "localbridge_requests_total", "\"timeout\"",
                    Pattern.compile(">\\s*0?\\.05(?![0-9])")),
            new GuideLevel("average time to first byte above 2 s", "localbridge_request_ttfb_seconds_count", "_sum",
                    Pattern.compile(">\\s*2(?![0-9.])")),
            new GuideLevel("memory above 200 MB (209715200 bytes) per instance", "localbridge_memory_used_bytes", "",
                    Pattern.compile(">\\s*209715200(?![0-9])")),
            new GuideLevel("open tunnels dropping unexpectedly", "localbridge_tunnels_open", "max_over_time",
                    Pattern.compile("<\\s*0?\\.5\\s*\\*")),
            new GuideLevel("no ready gateway", "localbridge_health_replicas", "state=\"ready\"",
                    Pattern.compile("<\\s*1(?![0-9.])")),
            new GuideLevel("health-service reporting unhealthy", "localbridge_health_status", "",
                    Pattern.compile("==\\s*2(?![0-9.])")));

    /** A PromQL expression and where it was found (for messages). */
    record Query(String where, String expr) {
    }

    /** An alerting rule, as the PrometheusRule spells it. */
    record Alert(String where, String name, String expr, Object forDuration, Map<?, ?> labels, Map<?, ?> annotations) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private MonitoringChecks() {
    }

    // ------------------------------------------------------------------------------------------------ exported names

    /** {@code <service>/target/exported-metrics.txt}: from the pom's system property, else next to the k8s module. */
    static Path exportedMetricsFile(String service) {
        String configured = System.getProperty("exported-metrics." + service);
        return configured != null ? Path.of(configured).toAbsolutePath().normalize()
                : Manifests.moduleDir().getParent().resolve(service).resolve("target/exported-metrics.txt");
    }

    /**
     * The union of the metric names in {@code files} (one per line; blank lines and # comments ignored). A missing
     * or empty file fails: the names come from the services' own tests, earlier in the same reactor build.
     */
    static Set<String> exportedMetrics(List<Path> files) throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path file : files) {
            String hint = " The services' tests write it after driving real traffic (it lists what their /q/metrics"
                    + " exports); run `./mvnw verify` from the repository root, which builds and tests the services"
                    + " before this k8s module.";
            if (!Files.isRegularFile(file)) {
                throw new AssertionError(file + " is missing." + hint);
            }
            List<String> lines = Files.readAllLines(file).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            if (lines.isEmpty()) {
                throw new AssertionError(file + " lists no metric." + hint);
            }
            names.addAll(lines);
        }
        return names;
    }

    // ------------------------------------------------------------------------------------------------ alert rules

    /** Every rule of a PrometheusRule's spec.groups (alerting and recording), with its expression. */
    static List<Query> ruleQueries(GenericKubernetesResource rule) {
        List<Query> out = new ArrayList<>();
        for (Map<?, ?> r : rules(rule)) {
            String name = r.get("alert") != null ? "alert " + r.get("alert") : "record " + r.get("record");
            out.add(new Query(ManifestChecks.id(rule) + " " + name, r.get("expr") instanceof String s ? s : ""));
        }
        return out;
    }

    static List<Alert> alerts(GenericKubernetesResource rule) {
        List<Alert> out = new ArrayList<>();
        for (Map<?, ?> r : rules(rule)) {
            if (r.get("alert") != null) {
                out.add(new Alert(ManifestChecks.id(rule) + " alert " + r.get("alert"), String.valueOf(r.get("alert")),
                        r.get("expr") instanceof String s ? s : "", r.get("for"),
                        r.get("labels") instanceof Map<?, ?> m ? m : Map.of(),
                        r.get("annotations") instanceof Map<?, ?> m ? m : Map.of()));
            }
        }
        return out;
    }

    /** Names recorded by recording rules: as good as exported for the expressions that read them. */
    static Set<String> recordedNames(GenericKubernetesResource rule) {
        Set<String> out = new HashSet<>();
        rules(rule).forEach(r -> {
            if (r.get("record") instanceof String s) {
                out.add(s);
            }
        });
        return out;
    }

    private static List<Map<?, ?>> rules(GenericKubernetesResource rule) {
        List<Map<?, ?>> out = new ArrayList<>();
        Map<String, Object> spec = rule.get("spec");
        Object groups = spec == null ? null : spec.get("groups");
        if (groups instanceof List<?> gl) {
            for (Object g : gl) {
                if (g instanceof Map<?, ?> gm && gm.get("rules") instanceof List<?> rl) {
                    rl.stream().filter(Map.class::isInstance).map(r -> (Map<?, ?>) r).forEach(out::add);
                }
            }
        }
        return out;
    }

    /** The shape of a PrometheusRule: groups with names and rules, each rule alert xor record, with an expr. */
    static List<String> checkRuleShape(GenericKubernetesResource rule) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> spec = rule.get("spec");
        Object groups = spec == null ? null : spec.get("groups");
        if (!(groups instanceof List<?> gl) || gl.isEmpty()) {
            problems.add(ManifestChecks.id(rule) + ": spec.groups is missing or empty");
            return problems;
        }
        Set<String> groupNames = new HashSet<>();
        for (Object g : gl) {
            Map<?, ?> gm = g instanceof Map<?, ?> m ? m : Map.of();
            Object name = gm.get("name");
            if (!(name instanceof String s) || s.isBlank() || !groupNames.add(s)) {
                problems.add(ManifestChecks.id(rule) + ": group without a name, or a duplicate name: " + name);
            }
            if (!(gm.get("rules") instanceof List<?> rl) || rl.isEmpty()) {
                problems.add(ManifestChecks.id(rule) + " group " + name + ": no rules");
                continue;
            }
            for (Object r : rl) {
                Map<?, ?> rm = r instanceof Map<?, ?> m ? m : Map.of();
                if ((rm.get("alert") == null) == (rm.get("record") == null)) {
                    problems.add(ManifestChecks.id(rule) + " group " + name + ": a rule needs alert or record: " + rm);
                }
                if (!(rm.get("expr") instanceof String e) || e.isBlank()) {
                    problems.add(ManifestChecks.id(rule) + " group " + name + ": rule without expr: " + rm);
                }
            }
        }
        return problems;
    }

    /** Every alert: unique name, `for`, a severity, summary and description showing {{ $value }}, a runbook hint. */
    static List<String> checkAlerts(List<Alert> alerts) {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Alert a : alerts) {
            if (!names.add(a.name())) {
                problems.add(a.where() + ": duplicate alert name");
            }
            if (!(a.forDuration() instanceof String f) || !DURATION.matcher(f).matches() || f.matches("[0a-z]+")) {
                problems.add(a.where() + ": needs `for:` with a duration above zero (e.g. 5m), has " + a.forDuration());
            }
            Object severity = a.labels().get("severity");
            if (!(severity instanceof String sev) || !SEVERITIES.contains(sev)) {
                problems.add(a.where() + ": labels.severity must be one of " + new TreeSet<>(SEVERITIES) + ", has "
                        + severity);
            }
            for (String key : List.of("summary", "description")) {
                Object text = a.annotations().get(key);
                if (!(text instanceof String s) || s.isBlank()) {
                    problems.add(a.where() + ": annotations." + key + " is missing");
                } else if (!s.contains("$value")) {
                    problems.add(a.where() + ": annotations." + key + " does not show the value ({{ $value }})");
                } else if (count(s, "{{") != count(s, "}}")) {
                    problems.add(a.where() + ": annotations." + key + " has unbalanced {{ }}");
                }
            }
            Object runbook = a.annotations().get("runbook_url");
            if (!(runbook instanceof String r) || !r.startsWith(RUNBOOK_PREFIX) || r.length() == RUNBOOK_PREFIX.length()) {
                problems.add(a.where() + ": annotations.runbook_url must point at " + RUNBOOK_PREFIX + "<anchor>, has "
                        + runbook);
            }
        }
        return problems;
    }

    /** Each of the guide's alert levels is the comparison of some alert that reads its metric. */
    static List<String> checkGuideLevels(List<Alert> alerts) {
        List<String> problems = new ArrayList<>();
        for (GuideLevel level : GUIDE_LEVELS) {
            boolean found = alerts.stream().anyMatch(a -> reads(a.expr(), level.metric())
                    && a.expr().contains(level.mustContain()) && level.comparison().matcher(a.expr()).find());
            if (!found) {
                problems.add("no alert for the guide's level \"" + level.what() + "\": none reads " + level.metric()
                        + (level.mustContain().isEmpty() ? "" : " with " + level.mustContain()) + " and compares "
                        + level.comparison().pattern());
            }
        }
        return problems;
    }

    private static boolean reads(String expr, String metric) {
        try {
            return PromQl.metricNames(expr).contains(metric);
        } catch (IllegalArgumentException e) {
            return false; // reported by unknownMetrics
        }
    }

    // ------------------------------------------------------------------------------------------------ metric names

    /** Every metric name each query reads is in {@code known}, or Prometheus-generated; else a problem per name. */
    static List<String> unknownMetrics(List<Query> queries, Set<String> known) {
        List<String> problems = new ArrayList<>();
        for (Query q : queries) {
            Set<String> names;
            try {
                names = PromQl.metricNames(q.expr());
            } catch (IllegalArgumentException e) {
                problems.add(q.where() + ": " + e.getMessage());
                continue;
            }
            if (names.isEmpty()) {
                problems.add(q.where() + ": reads no metric: " + q.expr());
            }
            for (String name : names) {
                if (!known.contains(name) && !PROMETHEUS_GENERATED.contains(name)) {
                    String near = closest(name, known);
                    problems.add(q.where() + ": " + name + " is exported by no service (" + String.join(", ", SERVICES)
                            + ": target/exported-metrics.txt) and not Prometheus-generated " + new TreeSet<>(PROMETHEUS_GENERATED)
                            + (near == null ? "" : "; did you mean " + near + "?"));
                }
            }
        }
        return problems;
    }

    private static String closest(String name, Set<String> known) {
        return known.stream().filter(k -> distance(name, k) <= 3)
                .min(Comparator.comparingInt((String k) -> distance(name, k)).thenComparing(k -> k)).orElse(null);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    // ------------------------------------------------------------------------------------------------ dashboard

    static JsonNode readDashboard(String json) throws IOException {
        return JSON.readTree(json);
    }

    /** Panels of a dashboard, including those inside (collapsed) rows, in order. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    /** Every panel target's expr and every query variable's metric expression. */
    static List<Query> dashboardQueries(JsonNode dashboard) {
        List<Query> out = new ArrayList<>();
        for (JsonNode p : panels(dashboard)) {
            for (JsonNode t : p.path("targets")) {
                out.add(new Query("dashboard panel \"" + p.path("title").asText() + "\" target " + t.path("refId").asText(),
                        t.path("expr").asText("")));
            }
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                JsonNode query = v.path("query");
                String q = query.isObject() ? query.path("query").asText("") : query.asText("");
                out.add(new Query("dashboard variable $" + v.path("name").asText(), variableExpression(q)));
            }
        }
        return out;
    }

    private static final Pattern LABEL_VALUES = Pattern.compile("\\s*label_values\\((.+),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*",
            Pattern.DOTALL);
    private static final Pattern QUERY_RESULT = Pattern.compile("\\s*query_result\\((.+)\\)\\s*", Pattern.DOTALL);

    /** The PromQL inside a Grafana variable query: label_values(expr, label) or query_result(expr). */
    static String variableExpression(String query) {
        for (Pattern p : List.of(LABEL_VALUES, QUERY_RESULT)) {
            Matcher m = p.matcher(query);
            if (m.matches()) {
                return m.group(1);
            }
        }
        // label_values(label) and metrics(...) name no metric we could check: refused, so the check cannot pass blind
        return "";
    }

    /**
     * The dashboard is portable and filtered: a {@code datasource} variable of type datasource (prometheus), a
     * {@code namespace} query variable, every panel and target on {@code ${datasource}}, every expression filtered by
     * {@code $namespace}, unique panel ids, a uid and a title.
     */
    static List<String> checkDashboard(JsonNode dashboard) {
        List<String> problems = new ArrayList<>();
        for (String field : List.of("uid", "title")) {
            if (dashboard.path(field).asText("").isBlank()) {
                problems.add("dashboard: no " + field);
            }
        }
        Map<String, JsonNode> vars = new LinkedHashMap<>();
        dashboard.path("templating").path("list").forEach(v -> vars.put(v.path("name").asText(), v));
        JsonNode ds = vars.get("datasource");
        if (ds == null || !ds.path("type").asText().equals("datasource") || !ds.path("query").asText().equals("prometheus")) {
            problems.add("dashboard: needs a variable `datasource` of type datasource with query prometheus");
        }
        JsonNode ns = vars.get("namespace");
        if (ns == null || !ns.path("type").asText().equals("query")) {
            problems.add("dashboard: needs a query variable `namespace`");
        } else if (!isTemplateDatasource(ns.path("datasource"))) {
            problems.add("dashboard variable $namespace: datasource must be ${datasource}, is " + ns.path("datasource"));
        }
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : panels(dashboard)) {
            String where = "dashboard panel \"" + p.path("title").asText() + "\"";
            if (!p.path("id").isInt() || !ids.add(p.path("id").asInt())) {
                problems.add(where + ": missing or duplicate id " + p.path("id"));
            }
            if (!p.path("gridPos").isObject()) {
                problems.add(where + ": no gridPos");
            }
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            if (!p.path("targets").isArray() || p.path("targets").isEmpty()) {
                problems.add(where + ": no targets");
            }
            if (!isTemplateDatasource(p.path("datasource"))) {
                problems.add(where + ": datasource must be ${datasource}, is " + p.path("datasource"));
            }
            for (JsonNode t : p.path("targets")) {
                if (t.has("datasource") && !isTemplateDatasource(t.path("datasource"))) {
                    problems.add(where + " target " + t.path("refId").asText() + ": datasource must be ${datasource}, is "
                            + t.path("datasource"));
                }
                String expr = t.path("expr").asText("");
                if (!expr.contains("$namespace") && !expr.contains("${namespace}")) {
                    problems.add(where + " target " + t.path("refId").asText() + ": not filtered by $namespace: " + expr);
                }
            }
        }
        return problems;
    }

    private static boolean isTemplateDatasource(JsonNode ds) {
        return Objects.equals(ds.path("uid").asText(null), "${datasource}") || Objects.equals(ds.asText(null), "${datasource}");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
