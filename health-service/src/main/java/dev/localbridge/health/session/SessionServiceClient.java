package dev.localbridge.health.session;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.localbridge.health.HealthConfig;
import dev.localbridge.protocol.cluster.ClusterSignature;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the cluster state from session-service ({@code GET /api/nodes}, {@code GET /api/stats}), each call signed
 * with the cluster secret ({@link ClusterSignature}). Blocking with a bounded timeout per call; called from the
 * poller's virtual threads, never from an event loop. With a session URL but no secret, health-service does not start
 * (unless {@code TUNNEL_INSECURE_NO_CLUSTER_SECRET=true}).
 */
@ApplicationScoped
@Startup
@RegisterForReflection(targets = {SessionServiceClient.Node.class, SessionServiceClient.Node[].class,
        SessionServiceClient.Stats.class})
public class SessionServiceClient {

    /** A live gateway replica as session-service lists it ({@code managementAddress} null for older gateways). */
    public record Node(String nodeId, String relayAddress, String managementAddress) {
    }

    /** Cluster figures of session-service. */
    public record Stats(String store, int liveNodes, long liveLeases) {
    }

    /** What session-service answered. */
    public record Snapshot(List<Node> nodes, Stats stats) {
    }

    /** session-service's answer to an operator's call, passed on as it is. */
    public record Answer(int status, byte[] body) {
    }

    /** session-service did not answer in time or answered with an error (its store down answers 503). */
    public static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final Optional<URI> base;
    private final Optional<ClusterSignature> signature;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json;

    SessionServiceClient(HealthConfig config, ObjectMapper json, TlsConfigurationRegistry tls) {
        this.base = config.sessionUrl().filter(s -> !s.isBlank())
                .map(s -> URI.create(s.endsWith("/") ? s : s + "/"));
        Optional<String> secret = config.clusterSecret().filter(s -> !s.isBlank());
        if (base.isPresent() && secret.isEmpty()) {
            if (!config.insecureNoClusterSecret()) {
                throw new IllegalStateException("TUNNEL_CLUSTER_SECRET is not set while TUNNEL_SESSION_URL is: "
                        + "health-service signs its calls to session-service with it. Set it (the value session-service "
                        + "and the gateways have), or TUNNEL_INSECURE_NO_CLUSTER_SECRET=true for development");
            }
            Log.warn("!!! INSECURE: TUNNEL_INSECURE_NO_CLUSTER_SECRET=true and no TUNNEL_CLUSTER_SECRET: calls to "
                    + "session-service go unsigned. Development only. !!!");
        }
        this.signature = secret.map(ClusterSignature::new);
        this.timeout = Duration.ofMillis(config.probe().timeout());
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
        if (base.isPresent() && "https".equalsIgnoreCase(base.get().getScheme())) {
            http.sslContext(sslContext(config.sessionTlsConfigurationName().filter(s -> !s.isBlank()), tls));
        }
        this.http = http.build();
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * The SSL context of the named TLS configuration (which must exist), else of the default one when there is one,
     * else the JVM's. Host names are always verified (the JDK client's rule).
     */
    private static javax.net.ssl.SSLContext sslContext(Optional<String> name, TlsConfigurationRegistry registry) {
        Optional<TlsConfiguration> tls = name.isPresent()
                ? Optional.of(registry.get(name.get()).orElseThrow(() -> new IllegalStateException(
                        "TUNNEL_SESSION_TLS_CONFIGURATION_NAME=" + name.get() + " but no quarkus.tls." + name.get()
                                + ".* configuration is defined")))
                : registry.getDefault().filter(t -> t.getTrustStore() != null || t.getKeyStore() != null
                        || t.isTrustAll());
        try {
            return tls.isPresent() ? tls.get().createSSLContext() : javax.net.ssl.SSLContext.getDefault();
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up TLS towards session-service: " + e.getMessage(), e);
        }
    }

    /** The configured base URL, if any. */
    public Optional<URI> baseUrl() {
        return base;
    }

    /** Lists nodes and figures; requires {@link #baseUrl()} to be present. */
    public Snapshot snapshot() throws Unreachable {
        URI url = base.orElseThrow();
        Stats stats = get(url.resolve("api/stats"), Stats.class);
        Node[] nodes = get(url.resolve("api/nodes"), Node[].class);
        return new Snapshot(Arrays.asList(nodes), stats);
    }

    /**
     * Sends {@code method} with the JSON {@code body} to {@code path} (relative to the base URL, already encoded),
     * signed; any answer is returned, only a failure to get one throws. Requires {@link #baseUrl()} to be present.
     */
    public Answer call(String method, String path, String body) throws Unreachable {
        URI uri = base.orElseThrow().resolve(path);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        signature.ifPresent(s -> request.header(ClusterSignature.HEADER,
                s.sign(ClusterSignature.Call.of(method, target).withBody(bytes))));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new Unreachable(method + " " + uri.getPath() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }

    private <T> T get(URI uri, Class<T> type) throws Unreachable {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "application/json");
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        signature.ifPresent(s -> request.header(ClusterSignature.HEADER,
                s.sign(ClusterSignature.Call.of("GET", target).withBody(null))));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new Unreachable("GET " + uri.getPath() + " answered " + response.statusCode()
                        + errorOf(response.body()));
            }
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new Unreachable("GET " + uri.getPath() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }

    /** {@code " CODE: message"} from session-service's error envelope, or "". */
    private String errorOf(byte[] body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            return error.isMissingNode() ? "" : " " + error.path("code").asText() + ": " + error.path("message").asText();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
