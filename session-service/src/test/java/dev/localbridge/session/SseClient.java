package dev.localbridge.session;

import dev.localbridge.protocol.cluster.ClusterSignature;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads the change feed's {@code data:} lines on a virtual thread. */
final class SseClient implements AutoCloseable {

    final List<String> events = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final HttpClient client = HttpClient.newHttpClient();

    SseClient(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header(ClusterSignature.HEADER, AsCluster.header(AsCluster.SIGNER, "GET", uri, null))
                .header("Accept", "text/event-stream").build();
        reader = Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<java.io.InputStream> response = client.send(request,
                        HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("data:")) {
                            events.add(line.substring(5));
                        }
                    }
                }
            } catch (Exception e) {
                events.add("closed:" + e);
            }
        });
    }

    boolean saw(String... fragments) {
        return events.stream().anyMatch(e -> java.util.Arrays.stream(fragments).allMatch(e::contains));
    }

    @Override
    public void close() {
        reader.interrupt();
        client.shutdownNow();
    }
}
