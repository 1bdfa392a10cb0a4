package dev.localbridge.health.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.localbridge.health.HealthConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks one gateway replica, on its management port, whether it is ready ({@code /q/health/ready}) and for its figures
 * ({@code /q/localbridge}). Blocking, each call bounded by {@code TUNNEL_PROBE_TIMEOUT}; run on a virtual thread.
 */
@ApplicationScoped
public class ReplicaClient {

    /** What a replica answered. */
    public record Answer(boolean ready, ReplicaFigures figures) {
    }

    /** The replica could not be asked. */
    public static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json;

    ReplicaClient(HealthConfig config, ObjectMapper json) {
        this.timeout = Duration.ofMillis(config.probe().timeout());
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Asks the replica whose management interface is at {@code hostPort}. */
    public Answer ask(String hostPort) throws Unreachable {
        URI base = URI.create("http://" + hostPort);
        HttpResponse<byte[]> readiness = get(base.resolve("/q/health/ready"));
        if (readiness.statusCode() != 200 && readiness.statusCode() != 503) {
            throw new Unreachable("readiness answered " + readiness.statusCode());
        }
        HttpResponse<byte[]> figures = get(base.resolve("/q/localbridge"));
        if (figures.statusCode() != 200) {
            throw new Unreachable("/q/localbridge answered " + figures.statusCode());
        }
        try {
            return new Answer(readiness.statusCode() == 200, json.readValue(figures.body(), ReplicaFigures.class));
        } catch (IOException e) {
            throw new Unreachable("unreadable figures: " + e.getMessage());
        }
    }

    private HttpResponse<byte[]> get(URI uri) throws Unreachable {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unreachable("GET " + uri + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }
}
