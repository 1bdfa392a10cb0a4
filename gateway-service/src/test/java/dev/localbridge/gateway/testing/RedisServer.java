package dev.localbridge.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A redis-server of the test's own on a free port, so that the test may stop and restart it. */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private Process process;

    public RedisServer() {
        this.port = JavaProcess.freePort();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public RedisServer start() {
        try {
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server is needed for this test (apt-get install redis-server)", e);
        }
        await().atMost(Duration.ofSeconds(10)).until(this::answers);
        return this;
    }

    /** Stops it hard; everything it held is lost, as with a crashed or restarted Redis without persistence. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    private boolean answers() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("PING\r\n".getBytes());
            byte[] buf = new byte[7];
            return socket.getInputStream().read(buf) > 0 && new String(buf).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
