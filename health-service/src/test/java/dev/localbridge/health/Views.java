package dev.localbridge.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The two views of health-service in tests: the public answer ({@code /api/tunnel/health}, main port) and the
 * operator's ({@code /q/cluster}, management port), and the rule between them.
 */
final class Views {

    /** Text that names a place or a failure: never in a public answer, whatever the cluster looks like. */
    private static final List<String> NEVER_PUBLIC = List.of("127.0.0.1", "localhost", "http://", "https://",
            "Exception", "\"nodeId\"", "\"relayAddress\"", "\"managementAddress\"", "\"url\"", "\"message\"",
            "\"error\"");

    private Views() {
    }

    /** The public answer. */
    static Response publicHealth() {
        return given().get("/api/tunnel/health");
    }

    /** A path on the management port, e.g. {@code /q/cluster}. */
    static String management(String path) {
        return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class)
                + path;
    }

    /** The operator's detailed view. */
    static Response operatorView() {
        return given().get(management("/q/cluster"));
    }

    /** The operator view and the public answer read right after it. */
    record Both(JsonPath operator, JsonPath shown) {
    }

    /** Reads the operator view, then {@link #assertPublicRevealsNoTopology(JsonPath, String...)}. */
    static Both assertPublicRevealsNoTopology(String... alsoSecret) {
        return assertPublicRevealsNoTopology(operatorView().then().extract().jsonPath(), alsoSecret);
    }

    /**
     * Reads the public answer now and asserts that it contains none of the addresses, URLs, node ids and error texts
     * that {@code operator} (the operator view, read just before) shows, nor any of {@code alsoSecret}, nor any
     * key that carries free text ({@code "message"}, {@code "error"}, ...) — so a text that changed between the two
     * reads is refused too.
     */
    static Both assertPublicRevealsNoTopology(JsonPath operator, String... alsoSecret) {
        String publicBody = publicHealth().then().extract().asString();

        List<String> secrets = new ArrayList<>(NEVER_PUBLIC);
        secrets.addAll(List.of(alsoSecret));
        List<String> shownToOperators = new ArrayList<>();
        shownToOperators.add(operator.getString("sessionService.url"));
        shownToOperators.add(operator.getString("sessionService.message"));
        for (String field : List.of("nodeId", "relayAddress", "managementAddress", "error")) {
            shownToOperators.addAll(operator.getList("replicas." + field, String.class));
        }
        shownToOperators.addAll(operator.getList("alerts.message", String.class));
        shownToOperators.stream().filter(Objects::nonNull).filter(s -> !s.isBlank()).forEach(secrets::add);

        assertThat(publicBody).as("public answer").startsWith("{\"status\":");
        for (String secret : secrets) {
            assertThat(publicBody).as("public answer must not contain %s", secret).doesNotContain(secret);
        }
        return new Both(operator, JsonPath.from(publicBody));
    }
}
