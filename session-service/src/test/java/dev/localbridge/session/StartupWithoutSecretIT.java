package dev.localbridge.session;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar without {@code TUNNEL_CLUSTER_SECRET}: it refuses to start, unless the development setting
 * {@code TUNNEL_INSECURE_NO_CLUSTER_SECRET=true} says otherwise, and then it says loudly that it is insecure.
 */
class StartupWithoutSecretIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void refusesToStartWithoutTheClusterSecret() throws Exception {
        Path log = Files.createTempFile("session-no-secret", ".log");
        Process process = start(log, false);
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the process ends by itself").isTrue();
            assertThat(process.exitValue()).isNotZero();
            assertThat(Files.readString(log)).contains("TUNNEL_CLUSTER_SECRET is not set");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void startsInsecureOnlyWhenToldAndSaysSo() throws Exception {
        Path log = Files.createTempFile("session-insecure", ".log");
        int port = freePort();
        Process process = start(log, true, "QUARKUS_HTTP_PORT=" + port);
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(log).contains("Listening on"));
            assertThat(Files.readString(log)).contains("INSECURE");
            HttpResponse<String> unsigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/nodes")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unsigned.statusCode()).isEqualTo(200);
        } finally {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    private static Process start(Path log, boolean insecure, String... env) throws IOException {
        assertThat(JAR).as("packaged jar (run with verify)").exists();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("TUNNEL_CLUSTER_SECRET");
        builder.environment().put("TUNNEL_SESSION_STORE", "memory");
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(freePort()));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(freePort()));
        builder.environment().put("TUNNEL_INSECURE_NO_CLUSTER_SECRET", Boolean.toString(insecure));
        for (String pair : env) {
            String[] kv = pair.split("=", 2);
            builder.environment().put(kv[0], kv[1]);
        }
        return builder.start();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
