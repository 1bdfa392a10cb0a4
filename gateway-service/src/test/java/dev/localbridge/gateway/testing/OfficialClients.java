package dev.localbridge.gateway.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official {@code ollama} and {@code openai} JavaScript clients (pinned in {@code src/test/clients/package.json}),
 * run with Node against a tunnel as an app or a container would use them: the tunnel's address as their host and a
 * credential as their API key. The first use installs the pinned packages ({@code npm ci}) when they are missing.
 */
public final class OfficialClients {

    private static final Path DIRECTORY = Path.of("src/test/clients").toAbsolutePath();

    private OfficialClients() {
    }

    /**
     * Runs {@code official-clients.mjs} and returns its report: one JSON object per call, each with {@code client},
     * {@code call} and {@code ok} (and what the call returned, or {@code status} and {@code error}).
     */
    public static List<JsonObject> run(String tunnelBase, String credential) {
        installOnce();
        String output = exec(List.of("node", "official-clients.mjs", tunnelBase, credential), 60);
        return output.lines().filter(line -> line.startsWith("{")).map(JsonObject::new).toList();
    }

    private static synchronized void installOnce() {
        if (!Files.isDirectory(DIRECTORY.resolve("node_modules/ollama"))
                || !Files.isDirectory(DIRECTORY.resolve("node_modules/openai"))) {
            exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        }
    }

    private static String exec(List<String> command, int timeoutSeconds) {
        try {
            Path log = Files.createTempFile("official-clients", ".log");
            Process process = new ProcessBuilder(command).directory(DIRECTORY.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            String text = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            if (!finished) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n" + text);
            }
            System.out.println("[" + command.get(0) + "] " + text);
            if (command.get(0).equals("npm") && process.exitValue() != 0) {
                throw new AssertionError("npm ci failed (is npm installed and the registry reachable?):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0) + " (Node.js 18+ is needed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
