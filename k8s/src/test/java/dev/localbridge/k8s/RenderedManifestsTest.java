package dev.localbridge.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Renders base and every overlay with kustomize, reads them strictly and runs every cross-check. */
class RenderedManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void rendersStrictlyAndCrossChecks(String dir) throws Exception {
        String yaml = Manifests.render(dir);
        Manifests.Parsed parsed = Manifests.read(yaml);
        assertThat(parsed.problems()).as("strict read of " + dir).isEmpty();

        Map<String, ManifestChecks.AppPorts> apps = ManifestChecks.appPorts(Manifests.moduleDir().getParent());
        assertThat(apps).containsEntry("gateway-service", new ManifestChecks.AppPorts(8080, 9000))
                .containsEntry("session-service", new ManifestChecks.AppPorts(8090, 9090))
                .containsEntry("health-service", new ManifestChecks.AppPorts(8091, 9091));

        assertThat(ManifestChecks.check(parsed.objects(), apps)).as("cross-checks of " + dir).isEmpty();

        // the checks must have had something to check
        List<String> ids = parsed.objects().stream().map(ManifestChecks::id).toList();
        assertThat(ids).anyMatch(i -> i.startsWith("Deployment/") && i.endsWith("/gateway-service")
                        || i.equals("Deployment/gateway-service"))
                .anyMatch(i -> i.startsWith("Ingress/"))
                .anyMatch(i -> i.startsWith("NetworkPolicy/"))
                .anyMatch(i -> i.startsWith("Secret/"))
                .anyMatch(i -> i.startsWith("ConfigMap/"));
        if (dir.equals("overlays/prod")) {
            assertThat(parsed.objects()).extracting(HasMetadata::getKind)
                    .contains("ServiceMonitor", "PrometheusRule", "HorizontalPodAutoscaler", "PodDisruptionBudget");
        }
        if (dir.equals("overlays/dev")) {
            assertThat(ids).contains("Deployment/localbridge-dev/redis").noneMatch(i -> i.startsWith("HorizontalPodAutoscaler/"));
        }
    }

    @Test
    void noKustomizeNorKubectlFailsWithInstallHint() {
        assertThatThrownBy(() -> Manifests.kustomizeCommand("/nonexistent-dir"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("install").hasMessageContaining("kustomize").hasMessageContaining("kubectl");
    }
}
