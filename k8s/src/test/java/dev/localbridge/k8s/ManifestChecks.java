package dev.localbridge.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Cross-reference checks over rendered manifests that an API server would not do. {@link #check} returns every
 * problem found, each naming the object ({@code Kind/namespace/name}) and what is wrong; empty = fine.
 */
final class ManifestChecks {

    /** A Quarkus service's ports, from its module's application.properties. */
    record AppPorts(int http, int management) {
    }

    /** The Ingress routing of k8s/README.md: path -> Service (and the pathType it needs, null = any). */
    record Route(String path, String service, String pathType) {
    }

    static final List<Route> ROUTES = List.of(
            new Route("/api/tunnel/health", "health-service", "Exact"),
            new Route("/api/tunnel", "gateway-service", null),
            new Route("/ws/tunnel", "gateway-service", null));

    static final Map<String, String> PROBE_PATHS = Map.of(
            "liveness", "/q/health/live", "readiness", "/q/health/ready", "startup", "/q/health/started");

    /** A pod template and its owner. */
    record Workload(HasMetadata owner, PodTemplateSpec template) {
        String ns() {
            return ManifestChecks.ns(owner);
        }

        Map<String, String> labels() {
            return template.getMetadata() == null || template.getMetadata().getLabels() == null
                    ? Map.of() : template.getMetadata().getLabels();
        }

        List<Container> containers() {
            return template.getSpec() == null ? List.of() : template.getSpec().getContainers();
        }
    }

    private final List<HasMetadata> objects;
    private final Map<String, AppPorts> apps;
    private final List<String> problems = new ArrayList<>();
    private final List<Workload> workloads = new ArrayList<>();

    private ManifestChecks(List<HasMetadata> objects, Map<String, AppPorts> apps) {
        this.objects = objects;
        this.apps = apps;
        for (HasMetadata o : objects) {
            PodTemplateSpec t = switch (o) {
                case Deployment d -> d.getSpec().getTemplate();
                case StatefulSet s -> s.getSpec().getTemplate();
                case DaemonSet s -> s.getSpec().getTemplate();
                default -> null;
            };
            if (t != null) {
                workloads.add(new Workload(o, t));
            }
        }
    }

    /** All checks. {@code apps}: Deployment name -> ports of the Quarkus service of that name. */
    static List<String> check(List<HasMetadata> objects, Map<String, AppPorts> apps) {
        ManifestChecks c = new ManifestChecks(objects, apps);
        c.workloadSelectors();
        c.probesAndPorts();
        c.configReferences();
        c.services();
        c.ingresses();
        c.scalingTargets();
        c.drain();
        c.tokenRules();
        c.serviceMonitors();
        c.networkPolicies();
        return c.problems;
    }

    /** Ports of every module of the repository that has src/main/resources/application.properties. */
    static Map<String, AppPorts> appPorts(Path repoRoot) throws IOException {
        Map<String, AppPorts> out = new HashMap<>();
        try (Stream<Path> dirs = Files.list(repoRoot)) {
            for (Path dir : dirs.toList()) {
                Path props = dir.resolve("src/main/resources/application.properties");
                if (!Files.isRegularFile(props)) {
                    continue;
                }
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(props)) {
                    p.load(r);
                }
                String http = p.getProperty("quarkus.http.port");
                String mgmt = p.getProperty("quarkus.management.port");
                if (http != null && mgmt != null) {
                    out.put(dir.getFileName().toString(), new AppPorts(Integer.parseInt(http.trim()),
                            Integer.parseInt(mgmt.trim())));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String ns(HasMetadata o) {
        return Objects.requireNonNullElse(o.getMetadata().getNamespace(), "");
    }

    static String id(HasMetadata o) {
        String ns = ns(o);
        return o.getKind() + "/" + (ns.isEmpty() ? "" : ns + "/") + o.getMetadata().getName();
    }

    private void problem(HasMetadata o, String msg) {
        problems.add(id(o) + ": " + msg);
    }

    private <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private <T extends HasMetadata> Optional<T> find(Class<T> type, String ns, String name) {
        return all(type).stream().filter(o -> ns(o).equals(ns) && name.equals(o.getMetadata().getName())).findFirst();
    }

    static boolean matches(LabelSelector sel, Map<String, String> labels) {
        if (sel == null) {
            return false; // a missing selector selects nothing (where it is required)
        }
        if (sel.getMatchLabels() != null) {
            for (var e : sel.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (sel.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : sel.getMatchExpressions()) {
                String v = labels.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> v != null && values.contains(v);
                    case "NotIn" -> v == null || !values.contains(v);
                    case "Exists" -> v != null;
                    case "DoesNotExist" -> v == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matchesMap(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty()
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private List<Workload> podsSelectedBy(String ns, LabelSelector sel) {
        return workloads.stream().filter(w -> w.ns().equals(ns) && matches(sel, w.labels())).toList();
    }

    /** The containerPort a port reference (name or number) resolves to in the container, if any. */
    static Optional<ContainerPort> resolve(Container c, IntOrString port) {
        if (port == null || c.getPorts() == null) {
            return Optional.empty();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal() != null
                ? port.getStrVal().equals(p.getName())
                : Objects.equals(port.getIntVal(), p.getContainerPort())).findFirst();
    }

    private static Optional<ContainerPort> resolve(Workload w, IntOrString port) {
        return w.containers().stream().map(c -> resolve(c, port)).flatMap(Optional::stream).findFirst();
    }

    private static String str(IntOrString p) {
        return p == null ? "null" : p.getStrVal() != null ? p.getStrVal() : String.valueOf(p.getIntVal());
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** Every workload's selector matches its own pod template labels. */
    void workloadSelectors() {
        for (Workload w : workloads) {
            LabelSelector sel = switch (w.owner()) {
                case Deployment d -> d.getSpec().getSelector();
                case StatefulSet s -> s.getSpec().getSelector();
                case DaemonSet s -> s.getSpec().getSelector();
                default -> null;
            };
            if (sel == null || !matches(sel, w.labels())) {
                problem(w.owner(), "spec.selector " + (sel == null ? "missing" : sel.getMatchLabels())
                        + " does not match the pod template labels " + w.labels());
            }
        }
    }

    /**
     * Probe ports exist on the container; for the Quarkus services, probes are /q/health/{live,ready,started}
     * on the management port, which (and the `http` port) equals application.properties.
     */
    void probesAndPorts() {
        for (Workload w : workloads) {
            String name = w.owner().getMetadata().getName();
            AppPorts app = apps.get(name);
            for (Container c : w.containers()) {
                Map<String, Probe> probes = new LinkedHashMap<>();
                probes.put("liveness", c.getLivenessProbe());
                probes.put("readiness", c.getReadinessProbe());
                probes.put("startup", c.getStartupProbe());
                for (var e : probes.entrySet()) {
                    Probe p = e.getValue();
                    String what = "container " + c.getName() + " " + e.getKey() + "Probe";
                    if (p == null) {
                        if (app != null) {
                            problem(w.owner(), what + " missing");
                        }
                        continue;
                    }
                    IntOrString port = p.getHttpGet() != null ? p.getHttpGet().getPort()
                            : p.getTcpSocket() != null ? p.getTcpSocket().getPort()
                            : p.getGrpc() != null ? new IntOrString(p.getGrpc().getPort()) : null;
                    Optional<ContainerPort> cp = resolve(c, port);
                    if (port != null && cp.isEmpty()) {
                        problem(w.owner(), what + " port " + str(port) + " is not a containerPort of the container");
                    }
                    if (app == null) {
                        continue;
                    }
                    if (p.getHttpGet() == null) {
                        problem(w.owner(), what + " is not an httpGet probe");
                        continue;
                    }
                    String want = PROBE_PATHS.get(e.getKey());
                    if (!want.equals(p.getHttpGet().getPath())) {
                        problem(w.owner(), what + " path " + p.getHttpGet().getPath() + " is not " + want);
                    }
                    if (cp.isPresent() && cp.get().getContainerPort() != app.management()) {
                        problem(w.owner(), what + " port " + str(port) + " = " + cp.get().getContainerPort()
                                + " is not the management port quarkus.management.port=" + app.management());
                    }
                }
                if (app != null) {
                    portNamed(w, c, "http", app.http(), "quarkus.http.port");
                    portNamed(w, c, "management", app.management(), "quarkus.management.port");
                }
            }
        }
    }

    private void portNamed(Workload w, Container c, String portName, int expected, String property) {
        Optional<ContainerPort> p = resolve(c, new IntOrString(portName));
        if (p.isEmpty()) {
            problem(w.owner(), "container " + c.getName() + " has no containerPort named " + portName);
        } else if (p.get().getContainerPort() != expected) {
            problem(w.owner(), "container " + c.getName() + " port " + portName + " = " + p.get().getContainerPort()
                    + " but " + property + "=" + expected);
        }
    }

    /** Every ConfigMap/Secret (and key) referenced from envFrom, env valueFrom and volumes exists. */
    void configReferences() {
        for (Workload w : workloads) {
            String ns = w.ns();
            List<Container> all = new ArrayList<>(w.containers());
            if (w.template().getSpec().getInitContainers() != null) {
                all.addAll(w.template().getSpec().getInitContainers());
            }
            for (Container c : all) {
                String where = "container " + c.getName();
                if (c.getEnvFrom() != null) {
                    for (EnvFromSource ef : c.getEnvFrom()) {
                        if (ef.getConfigMapRef() != null && !Boolean.TRUE.equals(ef.getConfigMapRef().getOptional())) {
                            ref(w, where + " envFrom", "ConfigMap", ns, ef.getConfigMapRef().getName(), null);
                        }
                        if (ef.getSecretRef() != null && !Boolean.TRUE.equals(ef.getSecretRef().getOptional())) {
                            ref(w, where + " envFrom", "Secret", ns, ef.getSecretRef().getName(), null);
                        }
                    }
                }
                if (c.getEnv() != null) {
                    for (EnvVar ev : c.getEnv()) {
                        var vf = ev.getValueFrom();
                        if (vf == null) {
                            continue;
                        }
                        String at = where + " env " + ev.getName();
                        if (vf.getConfigMapKeyRef() != null && !Boolean.TRUE.equals(vf.getConfigMapKeyRef().getOptional())) {
                            ref(w, at, "ConfigMap", ns, vf.getConfigMapKeyRef().getName(),
                                    List.of(vf.getConfigMapKeyRef().getKey()));
                        }
                        if (vf.getSecretKeyRef() != null && !Boolean.TRUE.equals(vf.getSecretKeyRef().getOptional())) {
                            ref(w, at, "Secret", ns, vf.getSecretKeyRef().getName(),
                                    List.of(vf.getSecretKeyRef().getKey()));
                        }
                    }
                }
            }
            List<Volume> volumes = w.template().getSpec().getVolumes();
            if (volumes != null) {
                for (Volume v : volumes) {
                    String at = "volume " + v.getName();
                    if (v.getConfigMap() != null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                        ref(w, at, "ConfigMap", ns, v.getConfigMap().getName(), keys(v.getConfigMap().getItems()));
                    }
                    if (v.getSecret() != null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
                        ref(w, at, "Secret", ns, v.getSecret().getSecretName(), keys(v.getSecret().getItems()));
                    }
                    if (v.getProjected() != null && v.getProjected().getSources() != null) {
                        for (var s : v.getProjected().getSources()) {
                            if (s.getConfigMap() != null && !Boolean.TRUE.equals(s.getConfigMap().getOptional())) {
                                ref(w, at, "ConfigMap", ns, s.getConfigMap().getName(), keys(s.getConfigMap().getItems()));
                            }
                            if (s.getSecret() != null && !Boolean.TRUE.equals(s.getSecret().getOptional())) {
                                ref(w, at, "Secret", ns, s.getSecret().getName(), keys(s.getSecret().getItems()));
                            }
                        }
                    }
                }
            }
        }
    }

    private static List<String> keys(List<KeyToPath> items) {
        return items == null ? null : items.stream().map(KeyToPath::getKey).toList();
    }

    private void ref(Workload w, String where, String kind, String ns, String name, List<String> keys) {
        Optional<? extends HasMetadata> target = kind.equals("ConfigMap")
                ? find(ConfigMap.class, ns, name) : find(Secret.class, ns, name);
        if (target.isEmpty()) {
            problem(w.owner(), where + " references " + kind + " " + name + ", which is not in the output");
            return;
        }
        Set<String> have = new java.util.HashSet<>();
        if (target.get() instanceof ConfigMap cm) {
            if (cm.getData() != null) have.addAll(cm.getData().keySet());
            if (cm.getBinaryData() != null) have.addAll(cm.getBinaryData().keySet());
        } else if (target.get() instanceof Secret s) {
            if (s.getData() != null) have.addAll(s.getData().keySet());
            if (s.getStringData() != null) have.addAll(s.getStringData().keySet());
        }
        if (keys != null) {
            for (String k : keys) {
                if (!have.contains(k)) {
                    problem(w.owner(), where + " references key " + k + " of " + kind + " " + name
                            + ", which has only " + new java.util.TreeSet<>(have));
                }
            }
        }
    }

    /** Every Service selects some pods, and each targetPort is a containerPort of every pod it selects. */
    void services() {
        for (Service s : all(Service.class)) {
            Map<String, String> sel = s.getSpec().getSelector();
            if (sel == null || sel.isEmpty()) {
                if (!"ExternalName".equals(s.getSpec().getType())) {
                    problem(s, "has no selector");
                }
                continue;
            }
            List<Workload> pods = workloads.stream()
                    .filter(w -> w.ns().equals(ns(s)) && matchesMap(sel, w.labels())).toList();
            if (pods.isEmpty()) {
                problem(s, "selector " + sel + " selects no pods");
                continue;
            }
            for (ServicePort sp : s.getSpec().getPorts()) {
                IntOrString target = sp.getTargetPort() != null ? sp.getTargetPort() : new IntOrString(sp.getPort());
                for (Workload w : pods) {
                    if (resolve(w, target).isEmpty()) {
                        problem(s, "port " + sp.getName() + " targetPort " + str(target)
                                + " is not a containerPort of " + id(w.owner()));
                    }
                }
            }
        }
    }

    /** Service port number -> the container port it reaches on the service's pods (first match). */
    private Optional<ContainerPort> containerPortBehind(Service s, ServicePort sp) {
        IntOrString target = sp.getTargetPort() != null ? sp.getTargetPort() : new IntOrString(sp.getPort());
        Map<String, String> sel = s.getSpec().getSelector();
        return workloads.stream().filter(w -> w.ns().equals(ns(s)) && matchesMap(sel, w.labels()))
                .map(w -> resolve(w, target)).flatMap(Optional::stream).findFirst();
    }

    /** Backends exist with that port (reaching the app's http port), and the routing of k8s/README.md. */
    void ingresses() {
        for (Ingress ing : all(Ingress.class)) {
            List<HTTPIngressPath> paths = new ArrayList<>();
            if (ing.getSpec().getRules() != null) {
                for (IngressRule r : ing.getSpec().getRules()) {
                    if (r.getHttp() != null) {
                        paths.addAll(r.getHttp().getPaths());
                    }
                }
            }
            List<IngressBackend> backends = new ArrayList<>(paths.stream().map(HTTPIngressPath::getBackend).toList());
            if (ing.getSpec().getDefaultBackend() != null) {
                backends.add(ing.getSpec().getDefaultBackend());
            }
            for (IngressBackend b : backends) {
                if (b.getService() == null) {
                    continue;
                }
                String name = b.getService().getName();
                Optional<Service> svc = find(Service.class, ns(ing), name);
                if (svc.isEmpty()) {
                    problem(ing, "backend Service " + name + " is not in the output");
                    continue;
                }
                var port = b.getService().getPort();
                Optional<ServicePort> sp = port == null ? Optional.empty() : svc.get().getSpec().getPorts().stream()
                        .filter(p -> port.getName() != null ? port.getName().equals(p.getName())
                                : Objects.equals(port.getNumber(), p.getPort())).findFirst();
                String portText = port == null ? "null" : port.getName() != null ? port.getName() : "" + port.getNumber();
                if (sp.isEmpty()) {
                    problem(ing, "backend " + name + ":" + portText + " is not a port of Service " + name);
                    continue;
                }
                AppPorts app = apps.get(name);
                Optional<ContainerPort> cp = containerPortBehind(svc.get(), sp.get());
                if (app != null && cp.isPresent() && cp.get().getContainerPort() != app.http()) {
                    problem(ing, "backend " + name + ":" + portText + " reaches container port "
                            + cp.get().getContainerPort() + ", not " + name + "'s http port " + app.http());
                }
            }
            for (Route route : ROUTES) {
                Optional<HTTPIngressPath> p = paths.stream().filter(x -> route.path().equals(x.getPath())).findFirst();
                if (p.isEmpty()) {
                    problem(ing, "no path " + route.path() + " (must route to " + route.service() + ")");
                    continue;
                }
                String got = p.get().getBackend().getService() == null ? null : p.get().getBackend().getService().getName();
                if (!route.service().equals(got)) {
                    problem(ing, "path " + route.path() + " routes to " + got + ", not " + route.service());
                }
                if (route.pathType() != null && !route.pathType().equals(p.get().getPathType())) {
                    problem(ing, "path " + route.path() + " has pathType " + p.get().getPathType() + ", not "
                            + route.pathType());
                }
            }
        }
    }

    /** HPA scaleTargetRef and PDB selectors point at something that exists. */
    void scalingTargets() {
        for (HorizontalPodAutoscaler hpa : all(HorizontalPodAutoscaler.class)) {
            var ref = hpa.getSpec().getScaleTargetRef();
            boolean found = workloads.stream().anyMatch(w -> w.ns().equals(ns(hpa))
                    && w.owner().getKind().equals(ref.getKind()) && w.owner().getMetadata().getName().equals(ref.getName())
                    && w.owner().getApiVersion().equals(ref.getApiVersion()));
            if (!found) {
                problem(hpa, "scaleTargetRef " + ref.getApiVersion() + " " + ref.getKind() + "/" + ref.getName()
                        + " is not in the output");
            }
        }
        for (PodDisruptionBudget pdb : all(PodDisruptionBudget.class)) {
            if (podsSelectedBy(ns(pdb), pdb.getSpec().getSelector()).isEmpty()) {
                problem(pdb, "selector " + (pdb.getSpec().getSelector() == null ? null
                        : pdb.getSpec().getSelector().getMatchLabels()) + " selects no pods");
            }
        }
    }

    /** terminationGracePeriodSeconds > TUNNEL_DRAIN_TIMEOUT/1000 + preStop sleep for the gateway. */
    void drain() {
        for (Workload w : workloads) {
            boolean gateway = w.owner().getMetadata().getName().equals("gateway-service");
            for (Container c : w.containers()) {
                Optional<String> drain = envValue(w, c, "TUNNEL_DRAIN_TIMEOUT");
                if (drain.isEmpty()) {
                    if (gateway) {
                        problem(w.owner(), "container " + c.getName() + " has no TUNNEL_DRAIN_TIMEOUT (env or envFrom)");
                    }
                    continue;
                }
                long drainSeconds;
                try {
                    drainSeconds = (Long.parseLong(drain.get().trim()) + 999) / 1000;
                } catch (NumberFormatException e) {
                    problem(w.owner(), "TUNNEL_DRAIN_TIMEOUT=" + drain.get() + " is not milliseconds");
                    continue;
                }
                long preStop = 0;
                var lc = c.getLifecycle();
                if (lc != null && lc.getPreStop() != null && lc.getPreStop().getSleep() != null) {
                    preStop = lc.getPreStop().getSleep().getSeconds();
                }
                Long grace = w.template().getSpec().getTerminationGracePeriodSeconds();
                long g = grace == null ? 30 : grace; // the Kubernetes default
                if (g <= drainSeconds + preStop) {
                    problem(w.owner(), "terminationGracePeriodSeconds " + g + " <= TUNNEL_DRAIN_TIMEOUT "
                            + drainSeconds + " s + preStop sleep " + preStop + " s: the kubelet kills the drain");
                }
            }
        }
    }

    /**
     * A gateway given a JWT key is also given what the gateway refuses to start without: an issuer, and with the
     * {@code AUTH0_DOMAIN} shortcut an audience (or the explicit opt-out {@code TUNNEL_AUTH_ACCEPT_ANY_AUDIENCE=true}).
     */
    void tokenRules() {
        for (Workload w : workloads) {
            if (!w.owner().getMetadata().getName().equals("gateway-service")) {
                continue;
            }
            for (Container c : w.containers()) {
                boolean auth0 = envValue(w, c, "AUTH0_DOMAIN").isPresent();
                boolean key = auth0 || envValue(w, c, "MP_JWT_VERIFY_PUBLICKEY_LOCATION").isPresent()
                        || envValue(w, c, "MP_JWT_VERIFY_PUBLICKEY").isPresent();
                if (!key) {
                    continue;
                }
                if (!auth0 && envValue(w, c, "MP_JWT_VERIFY_ISSUER").isEmpty()) {
                    problem(w.owner(), "container " + c.getName() + " has a JWT key but no MP_JWT_VERIFY_ISSUER");
                }
                boolean audience = envValue(w, c, "AUTH0_AUDIENCE").isPresent()
                        || envValue(w, c, "MP_JWT_VERIFY_AUDIENCES").isPresent();
                boolean optOut = envValue(w, c, "TUNNEL_AUTH_ACCEPT_ANY_AUDIENCE").map(v -> v.trim().equals("true"))
                        .orElse(false);
                if (auth0 && !audience && !optOut) {
                    problem(w.owner(), "container " + c.getName() + " has AUTH0_DOMAIN but no AUTH0_AUDIENCE");
                }
            }
        }
    }

    /** A variable's value as the container sees it: env wins over envFrom; later envFrom sources win. */
    private Optional<String> envValue(Workload w, Container c, String name) {
        if (c.getEnv() != null) {
            for (EnvVar ev : c.getEnv()) {
                if (name.equals(ev.getName()) && ev.getValue() != null) {
                    return Optional.of(ev.getValue());
                }
            }
        }
        String value = null;
        if (c.getEnvFrom() != null) {
            for (EnvFromSource ef : c.getEnvFrom()) {
                if (ef.getConfigMapRef() != null) {
                    Optional<ConfigMap> cm = find(ConfigMap.class, w.ns(), ef.getConfigMapRef().getName());
                    String prefix = Objects.requireNonNullElse(ef.getPrefix(), "");
                    if (cm.isPresent() && cm.get().getData() != null && name.startsWith(prefix)
                            && cm.get().getData().containsKey(name.substring(prefix.length()))) {
                        value = cm.get().getData().get(name.substring(prefix.length()));
                    }
                }
            }
        }
        return Optional.ofNullable(value);
    }

    /** Every ServiceMonitor selects a Service that has a port named as each of its endpoints' port. */
    void serviceMonitors() {
        for (HasMetadata o : objects) {
            if (!(o instanceof GenericKubernetesResource sm) || !"ServiceMonitor".equals(sm.getKind())) {
                continue;
            }
            Map<String, Object> spec = sm.get("spec");
            LabelSelector sel = spec == null || spec.get("selector") == null ? null
                    : Manifests.convert(spec.get("selector"), new com.fasterxml.jackson.core.type.TypeReference<LabelSelector>() {
                    });
            List<Service> svcs = all(Service.class).stream().filter(s -> ns(s).equals(ns(sm))
                    && matches(sel, s.getMetadata().getLabels() == null ? Map.of() : s.getMetadata().getLabels())).toList();
            if (svcs.isEmpty()) {
                problem(sm, "selector " + (sel == null ? null : sel.getMatchLabels()) + " selects no Service");
                continue;
            }
            List<?> endpoints = spec.get("endpoints") instanceof List<?> l ? l : List.of();
            if (endpoints.isEmpty()) {
                problem(sm, "has no endpoints");
            }
            for (Object ep : endpoints) {
                Object port = ep instanceof Map<?, ?> m ? m.get("port") : null;
                for (Service s : svcs) {
                    if (s.getSpec().getPorts().stream().noneMatch(p -> Objects.equals(port, p.getName()))) {
                        problem(sm, "endpoint port " + port + " is not a port name of selected " + id(s));
                    }
                }
            }
        }
    }

    /** NetworkPolicy podSelectors (the policy's own, and same-namespace peers) select pods; ports exist on them. */
    void networkPolicies() {
        for (NetworkPolicy np : all(NetworkPolicy.class)) {
            LabelSelector own = np.getSpec().getPodSelector();
            List<Workload> selected = podsSelectedBy(ns(np), own);
            if (selected.isEmpty()) {
                problem(np, "podSelector " + (own == null ? null : own.getMatchLabels()) + " selects no pods");
                continue;
            }
            if (np.getSpec().getIngress() == null) {
                continue;
            }
            for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
                if (rule.getFrom() != null) {
                    for (NetworkPolicyPeer peer : rule.getFrom()) {
                        if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null
                                && podsSelectedBy(ns(np), peer.getPodSelector()).isEmpty()) {
                            problem(np, "ingress from podSelector " + peer.getPodSelector().getMatchLabels()
                                    + " selects no pods");
                        }
                    }
                }
                if (rule.getPorts() != null) {
                    for (NetworkPolicyPort p : rule.getPorts()) {
                        if (p.getPort() != null && p.getEndPort() == null
                                && selected.stream().noneMatch(w -> resolve(w, p.getPort()).isPresent())) {
                            problem(np, "ingress port " + str(p.getPort()) + " is not a containerPort of the selected pods");
                        }
                    }
                }
            }
        }
    }
}
