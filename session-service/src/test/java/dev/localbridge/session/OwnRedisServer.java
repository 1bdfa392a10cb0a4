package dev.localbridge.session;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** A {@code redis-server} of the test's own on a free port, which the test may stop and start again. */
public class OwnRedisServer implements QuarkusTestResourceLifecycleManager {

    static volatile OwnRedisServer current;

    private int port;
    private Process process;

    @Override
    public Map<String, String> start() {
        current = this;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        startServer();
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port);
    }

    void startServer() {
        try {
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(Path.of("target", "own-redis-" + port + ".log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is needed for this test", e);
        }
        await().atMost(Duration.ofSeconds(10)).until(this::accepting);
    }

    void stopServer() {
        process.destroy();
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() && !accepting());
    }

    private boolean accepting() {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}
