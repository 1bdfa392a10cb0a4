package dev.localbridge.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A packaged jar run as a separate process, the way a user runs it, with its output kept for assertions. */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private JavaProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.add(line);
                    System.out.println("[" + name + "] " + line);
                }
            } catch (IOException e) {
                // the process went away
            }
        }, name + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code java -jar jar args…} with extra environment. */
    public static JavaProcess start(String name, String jar, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + "/bin/java");
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            return new JavaProcess(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a line of output contains {@code text}; fails with the output when it does not come. */
    public void awaitOutput(String text, Duration atMost) {
        int from = 0;
        awaitOutputAfter(from, text, atMost);
    }

    /** Waits until a line after the first {@code from} lines contains {@code text}. */
    public void awaitOutputAfter(int from, String text, Duration atMost) {
        await().atMost(atMost).alias(name + " prints '" + text + "'").until(() -> {
            if (!process.isAlive() && output.stream().skip(from).noneMatch(l -> l.contains(text))) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + String.join("\n",
                        output));
            }
            return output.stream().skip(from).anyMatch(l -> l.contains(text));
        });
    }

    public List<String> output() {
        return output;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGSTOP: the process hangs (its sockets still accept connections, nothing answers) until {@link #resume()}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGTERM without waiting for the exit, as Kubernetes starts a rollout (a gateway then drains). */
    public void terminate() throws IOException, InterruptedException {
        signal("TERM");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited " + exit);
        }
    }

    /** SIGKILL, as a crash or an OOM kill would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A TCP port free right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code -D} property or a failure naming it, for paths the build passes in. */
    public static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (run through ./mvnw verify)");
        }
        return value;
    }

}
