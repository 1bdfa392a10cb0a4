package dev.localbridge.k8s;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of check can fail: a small hand-made manifest that passes, and one broken copy per check, fed
 * through the same reading and checking code as the rendered overlays.
 */
class NegativeChecksTest {

    static final Map<String, ManifestChecks.AppPorts> APPS = Map.of(
            "gateway-service", new ManifestChecks.AppPorts(8080, 9000),
            "health-service", new ManifestChecks.AppPorts(8091, 9091));

    static String deployment(String name, int http, int mgmt, String extraEnv, int grace) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %1$s
                spec:
                  selector:
                    matchLabels:
                      app.kubernetes.io/name: %1$s
                  template:
                    metadata:
                      labels:
                        app.kubernetes.io/name: %1$s
                    spec:
                      terminationGracePeriodSeconds: %5$d
                      containers:
                        - name: app
                          image: x
                          ports:
                            - name: http
                              containerPort: %2$d
                            - name: management
                              containerPort: %3$d
                          envFrom:
                            - configMapRef:
                                name: %1$s-config-abc123
                          env:
                            - name: TUNNEL_CLUSTER_SECRET
                              valueFrom:
                                secretKeyRef:
                                  name: localbridge-secrets-xyz
                                  key: TUNNEL_CLUSTER_SECRET
                %4$s
                          lifecycle:
                            preStop:
                              sleep:
                                seconds: 5
                          startupProbe:
                            httpGet: {path: /q/health/started, port: management}
                          readinessProbe:
                            httpGet: {path: /q/health/ready, port: management}
                          livenessProbe:
                            httpGet: {path: /q/health/live, port: management}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %1$s-config-abc123
                data:
                  TUNNEL_DRAIN_TIMEOUT: "30000"
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: %1$s
                  labels:
                    app.kubernetes.io/name: %1$s
                spec:
                  selector:
                    app.kubernetes.io/name: %1$s
                  ports:
                    - name: http
                      port: %2$d
                      targetPort: http
                    - name: management
                      port: %3$d
                      targetPort: management
                """.formatted(name, http, mgmt, extraEnv, grace);
    }

    static final String SECRET = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: localbridge-secrets-xyz
            type: Opaque
            data:
              TUNNEL_CLUSTER_SECRET: c2VjcmV0
            """;

    static final String INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: localbridge
            spec:
              rules:
                - http:
                    paths:
                      - path: /api/tunnel/health
                        pathType: Exact
                        backend: {service: {name: health-service, port: {number: 8091}}}
                      - path: /api/tunnel
                        pathType: Prefix
                        backend: {service: {name: gateway-service, port: {number: 8080}}}
                      - path: /ws/tunnel
                        pathType: Prefix
                        backend: {service: {name: gateway-service, port: {name: http}}}
            """;

    static final String EXTRAS = """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: gateway-service
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gateway-service}
              minReplicas: 2
              maxReplicas: 4
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: gateway-service
            spec:
              maxUnavailable: 1
              selector:
                matchLabels:
                  app.kubernetes.io/name: gateway-service
            ---
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata:
              name: gateway-service
            spec:
              selector:
                matchLabels:
                  app.kubernetes.io/name: gateway-service
              endpoints:
                - port: management
                  path: /q/metrics
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: gateway-service-ingress
            spec:
              podSelector:
                matchLabels:
                  app.kubernetes.io/name: gateway-service
              policyTypes: [Ingress]
              ingress:
                - from:
                    - podSelector:
                        matchLabels:
                          app.kubernetes.io/name: health-service
                  ports:
                    - port: 9000
                      protocol: TCP
            """;

    static String valid() {
        return String.join("---\n", deployment("gateway-service", 8080, 9000, "", 45),
                deployment("health-service", 8091, 9091, "", 45), SECRET, INGRESS, EXTRAS);
    }

    /** Reads strictly and cross-checks; returns every problem. */
    static List<String> problems(String yaml) throws IOException {
        Manifests.Parsed parsed = Manifests.read(yaml);
        if (!parsed.problems().isEmpty()) {
            return parsed.problems();
        }
        return ManifestChecks.check(parsed.objects(), APPS);
    }

    static List<String> broken(String from, String to) throws IOException {
        String yaml = valid();
        assertThat(yaml).as("test setup: text to break").contains(from);
        return problems(yaml.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
    }

    @Test
    void theHandMadeManifestPasses() throws IOException {
        assertThat(problems(valid())).isEmpty();
    }

    // ---------------------------------------------------------------------------------------- strict reading

    @Test
    void unknownFieldFails() throws IOException {
        assertThat(broken("      terminationGracePeriodSeconds: 45",
                "      terminationGracePeriodSeconds: 45\n      terminationGraceSeconds: 45"))
                .anySatisfy(p -> assertThat(p).contains("Deployment/gateway-service")
                        .contains("unknown field spec.template.spec.terminationGraceSeconds"));
    }

    @Test
    void unknownNestedFieldFails() throws IOException {
        assertThat(broken("httpGet: {path: /q/health/ready, port: management}",
                "httpGet: {path: /q/health/ready, prot: management}"))
                .anySatisfy(p -> assertThat(p).contains("readinessProbe.httpGet.prot"));
    }

    @Test
    void wrongTypeFails() throws IOException {
        assertThat(broken("terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: \"45\""))
                .anySatisfy(p -> assertThat(p).contains("Deployment/gateway-service"));
        assertThat(broken("minReplicas: 2", "minReplicas: two"))
                .anySatisfy(p -> assertThat(p).contains("HorizontalPodAutoscaler/gateway-service"));
        assertThat(broken("maxUnavailable: 1\n", "maxUnavailable: [1]\n"))
                .anySatisfy(p -> assertThat(p).contains("PodDisruptionBudget/gateway-service"));
        assertThat(broken("name: localbridge-secrets-xyz\ntype: Opaque", "name: localbridge-secrets-xyz\ntype: 7")
                .toString()).contains("Secret/localbridge-secrets-xyz");
    }

    @Test
    void unknownKindFails() throws IOException {
        assertThat(broken("kind: PodDisruptionBudget", "kind: PodDisruptionBudgt"))
                .anySatisfy(p -> assertThat(p).contains("unknown apiVersion/kind policy/v1 PodDisruptionBudgt"));
    }

    @Test
    void customResourceMetadataIsReadStrictly() throws IOException {
        assertThat(broken("kind: ServiceMonitor\nmetadata:\n", "kind: ServiceMonitor\nmetadata:\n  lables: {a: b}\n"))
                .anySatisfy(p -> assertThat(p).contains("ServiceMonitor").contains("unknown field metadata.lables"));
    }

    // ---------------------------------------------------------------------------------------- cross-checks

    @Test
    void deploymentSelectorMustMatchTemplateLabels() throws IOException {
        assertThat(broken("      labels:\n        app.kubernetes.io/name: gateway-service",
                "      labels:\n        app.kubernetes.io/name: gateway"))
                .anySatisfy(p -> assertThat(p).startsWith("Deployment/gateway-service: spec.selector"));
    }

    @Test
    void serviceSelectorMustSelectPods() throws IOException {
        assertThat(broken("  selector:\n    app.kubernetes.io/name: health-service",
                "  selector:\n    app.kubernetes.io/name: health"))
                .anySatisfy(p -> assertThat(p).isEqualTo(
                        "Service/health-service: selector {app.kubernetes.io/name=health} selects no pods"));
    }

    @Test
    void serviceTargetPortMustBeAContainerPort() throws IOException {
        assertThat(broken("      targetPort: management", "      targetPort: mgmt"))
                .anySatisfy(p -> assertThat(p).contains("Service/gateway-service: port management targetPort mgmt"));
        assertThat(broken("      targetPort: http", "      targetPort: 8081"))
                .anySatisfy(p -> assertThat(p).contains("Service/gateway-service: port http targetPort 8081"));
    }

    @Test
    void probePortMustExistOnTheContainer() throws IOException {
        assertThat(broken("httpGet: {path: /q/health/live, port: management}",
                "httpGet: {path: /q/health/live, port: 9999}"))
                .anySatisfy(p -> assertThat(p).contains("livenessProbe port 9999 is not a containerPort"));
    }

    @Test
    void probePathMustBeTheQuarkusHealthPath() throws IOException {
        assertThat(broken("path: /q/health/ready", "path: /q/health/live"))
                .anySatisfy(p -> assertThat(p).contains("readinessProbe path /q/health/live is not /q/health/ready"));
    }

    @Test
    void probeMustUseTheManagementPort() throws IOException {
        assertThat(broken("httpGet: {path: /q/health/started, port: management}",
                "httpGet: {path: /q/health/started, port: http}"))
                .anySatisfy(p -> assertThat(p).contains(
                        "startupProbe port http = 8080 is not the management port quarkus.management.port=9000"));
    }

    @Test
    void portsMustEqualApplicationProperties() throws IOException {
        String yaml = valid().replace(deployment("health-service", 8091, 9091, "", 45),
                deployment("health-service", 8092, 9091, "", 45));
        assertThat(problems(yaml)).anySatisfy(p -> assertThat(p)
                .contains("Deployment/health-service: container app port http = 8092 but quarkus.http.port=8091"));
    }

    @Test
    void referencedConfigMapMustExist() throws IOException {
        assertThat(broken("name: gateway-service-config-abc123\ndata:", "name: gateway-service-config-zzz\ndata:"))
                .anySatisfy(p -> assertThat(p).contains(
                        "envFrom references ConfigMap gateway-service-config-abc123, which is not in the output"));
    }

    @Test
    void referencedSecretKeyMustExist() throws IOException {
        assertThat(broken("  TUNNEL_CLUSTER_SECRET: c2VjcmV0", "  CLUSTER_SECRET: c2VjcmV0"))
                .anySatisfy(p -> assertThat(p).contains(
                        "references key TUNNEL_CLUSTER_SECRET of Secret localbridge-secrets-xyz"));
        String noSecret = valid().replace(SECRET, SECRET.replace("localbridge-secrets-xyz", "other"));
        assertThat(problems(noSecret)).anySatisfy(p -> assertThat(p)
                .contains("references Secret localbridge-secrets-xyz, which is not in the output"));
    }

    @Test
    void referencedVolumeConfigMapMustExist() throws IOException {
        assertThat(broken("      terminationGracePeriodSeconds: 45",
                "      terminationGracePeriodSeconds: 45\n      volumes:\n        - name: cfg\n"
                        + "          configMap:\n            name: missing-config"))
                .anySatisfy(p -> assertThat(p).contains("volume cfg references ConfigMap missing-config"));
    }

    @Test
    void ingressBackendMustBeAnExistingServiceAndPort() throws IOException {
        assertThat(broken("{name: gateway-service, port: {number: 8080}}", "{name: gateway, port: {number: 8080}}"))
                .anySatisfy(p -> assertThat(p).contains("Ingress/localbridge: backend Service gateway is not in the output"));
        assertThat(broken("{name: gateway-service, port: {name: http}}", "{name: gateway-service, port: {name: web}}"))
                .anySatisfy(p -> assertThat(p).contains("backend gateway-service:web is not a port of Service"));
        assertThat(broken("{name: gateway-service, port: {number: 8080}}", "{name: gateway-service, port: {number: 9000}}"))
                .anySatisfy(p -> assertThat(p).contains("reaches container port 9000, not gateway-service's http port 8080"));
    }

    @Test
    void ingressMustRouteTheArchitecturePaths() throws IOException {
        assertThat(broken("{service: {name: health-service, port: {number: 8091}}}",
                "{service: {name: gateway-service, port: {number: 8080}}}"))
                .anySatisfy(p -> assertThat(p).contains("path /api/tunnel/health routes to gateway-service, not health-service"));
        assertThat(broken("pathType: Exact", "pathType: Prefix"))
                .anySatisfy(p -> assertThat(p).contains("path /api/tunnel/health has pathType Prefix, not Exact"));
        assertThat(broken("- path: /ws/tunnel", "- path: /ws"))
                .anySatisfy(p -> assertThat(p).contains("no path /ws/tunnel"));
    }

    @Test
    void hpaAndPdbTargetsMustExist() throws IOException {
        assertThat(broken("kind: Deployment, name: gateway-service}", "kind: Deployment, name: gateway}"))
                .anySatisfy(p -> assertThat(p).contains("HorizontalPodAutoscaler/gateway-service: scaleTargetRef"));
        assertThat(broken("  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: gateway-service",
                "  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: gw"))
                .anySatisfy(p -> assertThat(p).contains("PodDisruptionBudget/gateway-service: selector"));
    }

    @Test
    void gracePeriodMustCoverDrainAndPreStop() throws IOException {
        String yaml = valid().replace(deployment("gateway-service", 8080, 9000, "", 45),
                deployment("gateway-service", 8080, 9000, "", 35));
        assertThat(problems(yaml)).anySatisfy(p -> assertThat(p).contains(
                "terminationGracePeriodSeconds 35 <= TUNNEL_DRAIN_TIMEOUT 30 s + preStop sleep 5 s"));
        // env wins over the ConfigMap
        String env = "            - name: TUNNEL_DRAIN_TIMEOUT\n              value: \"120000\"";
        String overridden = valid().replace(deployment("gateway-service", 8080, 9000, "", 45),
                deployment("gateway-service", 8080, 9000, env, 45));
        assertThat(problems(overridden)).anySatisfy(p -> assertThat(p).contains(
                "terminationGracePeriodSeconds 45 <= TUNNEL_DRAIN_TIMEOUT 120 s"));
    }

    @Test
    void aGatewayWithAJwtKeyNeedsAnIssuerAndWithAuth0AnAudience() throws IOException {
        String keyOnly = "            - name: MP_JWT_VERIFY_PUBLICKEY_LOCATION\n              value: /keys/public.pem";
        assertThat(problems(valid().replace(deployment("gateway-service", 8080, 9000, "", 45),
                deployment("gateway-service", 8080, 9000, keyOnly, 45))))
                .anySatisfy(p -> assertThat(p).contains("has a JWT key but no MP_JWT_VERIFY_ISSUER"));
        String withIssuer = keyOnly + "\n            - name: MP_JWT_VERIFY_ISSUER\n              value: https://idp.test/";
        assertThat(problems(valid().replace(deployment("gateway-service", 8080, 9000, "", 45),
                deployment("gateway-service", 8080, 9000, withIssuer, 45)))).isEmpty();
        String auth0 = "            - name: AUTH0_DOMAIN\n              value: tenant.auth0.com";
        assertThat(problems(valid().replace(deployment("gateway-service", 8080, 9000, "", 45),
                deployment("gateway-service", 8080, 9000, auth0, 45))))
                .anySatisfy(p -> assertThat(p).contains("has AUTH0_DOMAIN but no AUTH0_AUDIENCE"));
    }

    @Test
    void serviceMonitorMustSelectAServiceWithItsPort() throws IOException {
        assertThat(broken("  endpoints:\n    - port: management", "  endpoints:\n    - port: metrics"))
                .anySatisfy(p -> assertThat(p).contains(
                        "ServiceMonitor/gateway-service: endpoint port metrics is not a port name of selected Service/gateway-service"));
        assertThat(broken("""
                spec:
                  selector:
                    matchLabels:
                      app.kubernetes.io/name: gateway-service
                  endpoints:""", """
                spec:
                  selector:
                    matchLabels:
                      app.kubernetes.io/name: gw
                  endpoints:"""))
                .anySatisfy(p -> assertThat(p).contains("ServiceMonitor/gateway-service: selector {app.kubernetes.io/name=gw} selects no Service"));
    }

    @Test
    void networkPolicySelectorsMustSelectPods() throws IOException {
        assertThat(broken("  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: gateway-service",
                "  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: gateway"))
                .anySatisfy(p -> assertThat(p).contains("NetworkPolicy/gateway-service-ingress: podSelector"));
        assertThat(broken("          app.kubernetes.io/name: health-service\n      ports:",
                "          app.kubernetes.io/name: health\n      ports:"))
                .anySatisfy(p -> assertThat(p).contains("ingress from podSelector {app.kubernetes.io/name=health} selects no pods"));
        assertThat(broken("- port: 9000", "- port: 9001"))
                .anySatisfy(p -> assertThat(p).contains("ingress port 9001 is not a containerPort"));
    }
}
