package dev.localbridge.gateway.ownership;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.localbridge.gateway.testing.JavaProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * session-service (its packaged jar, memory store) serving HTTPS only, with a certificate for localhost made here by
 * the JDK's keytool; the gateway under test gets the matching trust store as a named TLS configuration, and serves its
 * relay port over TLS with the same certificate.
 */
public class TlsSessionServiceResource implements QuarkusTestResourceLifecycleManager {

    static final String PASSWORD = "changeit-test";
    static Path dir;
    static int port;
    static int relayPort;
    private JavaProcess process;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("session-tls");
            keytool("-genkeypair", "-alias", "session", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", dir.resolve("session-keystore.p12").toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-alias", "session", "-keystore", dir.resolve("session-keystore.p12").toString(),
                    "-storepass", PASSWORD, "-file", dir.resolve("session.crt").toString());
            keytool("-importcert", "-noprompt", "-alias", "session", "-file", dir.resolve("session.crt").toString(),
                    "-storetype", "PKCS12", "-keystore", dir.resolve("truststore.p12").toString(),
                    "-storepass", PASSWORD);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot make the test certificate", e);
        }
        port = JavaProcess.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(JavaProcess.freePort()));
        env.put("QUARKUS_HTTP_SSL_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_INSECURE_REQUESTS", "disabled");
        env.put("QUARKUS_HTTP_TLS_CONFIGURATION_NAME", "session");
        env.put("QUARKUS_TLS_SESSION_KEY_STORE_P12_PATH", dir.resolve("session-keystore.p12").toString());
        env.put("QUARKUS_TLS_SESSION_KEY_STORE_P12_PASSWORD", PASSWORD);
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(JavaProcess.freePort()));
        env.put("TUNNEL_SESSION_STORE", "memory");
        env.put("TUNNEL_CLUSTER_SECRET", SessionServiceResource.SECRET);
        process = JavaProcess.start("session-service-tls", System.getProperty("session.jar",
                "../session-service/target/quarkus-app/quarkus-run.jar"), env);
        process.awaitOutput("Listening on", Duration.ofSeconds(60));

        Map<String, String> config = new HashMap<>();
        config.put("tunnel.node-id", "tls-gateway");
        config.put("tunnel.session-url", "https://localhost:" + port);
        config.put("tunnel.cluster-secret", SessionServiceResource.SECRET);
        config.put("tunnel.session-tls-configuration-name", "cluster");
        config.put("quarkus.tls.cluster.trust-store.p12.path", dir.resolve("truststore.p12").toString());
        config.put("quarkus.tls.cluster.trust-store.p12.password", PASSWORD);
        config.put("tunnel.lease-renew-interval", "300");
        config.put("tunnel.relay-port", Integer.toString(JavaProcess.freePort()));
        config.put("tunnel.relay-advertise-host", "127.0.0.1");
        config.put("tunnel.relay-bind-address", "127.0.0.1");
        relayPort = Integer.parseInt(config.get("tunnel.relay-port"));
        // The relay listener serves TLS too, with the same localhost certificate (no trust store: not mutual).
        config.put("tunnel.relay-tls-configuration-name", "relay");
        config.put("quarkus.tls.relay.key-store.p12.path", dir.resolve("session-keystore.p12").toString());
        config.put("quarkus.tls.relay.key-store.p12.password", PASSWORD);
        return config;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            try {
                process.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
