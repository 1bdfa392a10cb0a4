package dev.localbridge.protocol.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;

/** {@link FrameWriter} between a real Vert.x WebSocket client and server: order, completeness, close. */
class FrameWriterTest {

    private static final String CLOSED = "<closed>";

    private Vertx vertx;
    private HttpServer server;
    private WebSocketClient client;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().webSocketHandler(ws -> {
            ws.binaryMessageHandler(b -> received.add(b.toString(StandardCharsets.UTF_8)));
            ws.closeHandler(v -> received.add(CLOSED));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = vertx.createWebSocketClient();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private WebSocket connect() throws Exception {
        return client.connect(server.actualPort(), "127.0.0.1", "/").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private List<String> receive(int n) throws InterruptedException {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String m = received.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("message %d of %d", i + 1, n).isNotNull();
            messages.add(m);
        }
        return messages;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesOfOneTurnAllArriveInOrderAfterOneFlush() throws Exception {
        WebSocket ws = connect();
        FrameWriter writer = new FrameWriter(ws);
        var channel = ((io.vertx.core.http.impl.WebSocketInternal) ws).channelHandlerContext();
        AtomicInteger flushes = new AtomicInteger();
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sent.add("m" + i + "-" + "x".repeat(i % 97));
        }
        channel.executor().execute(() -> sent.forEach(m -> writer.write(text(m))));

        assertThat(receive(sent.size())).containsExactlyElementsOf(sent);
        assertThat(flushes).as("flushes for one turn's writes").hasValue(1);
    }

    @Test
    void writesFromOtherThreadsKeepEachThreadsOrder() throws Exception {
        WebSocket ws = connect();
        FrameWriter writer = new FrameWriter(ws);
        int threads = 4;
        int each = 2_000;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String name = "t" + t;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    writer.write(text(name + ":" + i));
                }
            }));
        }
        for (Thread t : writers) {
            t.join();
        }

        int[] next = new int[threads];
        for (String m : receive(threads * each)) {
            int t = m.charAt(1) - '0';
            assertThat(Integer.parseInt(m.substring(3))).as("order of thread %d", t).isEqualTo(next[t]++);
        }
    }

    @Test
    void aWriteOnTheEventLoopNeverOvertakesOneQueuedBeforeIt() throws Exception {
        WebSocket ws = connect();
        FrameWriter writer = new FrameWriter(ws);
        var loop = ((io.vertx.core.http.impl.WebSocketInternal) ws).channelHandlerContext().executor();
        CountDownLatch queued = new CountDownLatch(1);
        // the event loop is busy in this task while another thread queues its write; then the loop writes its own
        loop.execute(() -> {
            try {
                queued.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writer.write(text("second, from the event loop"));
        });
        writer.write(text("first, from another thread"));
        queued.countDown();

        assertThat(receive(2)).containsExactly("first, from another thread", "second, from the event loop");
    }

    @Test
    void closingAfterWritesLetsThemArriveFirstAndLaterWritesAreDropped() throws Exception {
        WebSocket ws = connect();
        FrameWriter writer = new FrameWriter(ws);
        CountDownLatch clientClosed = new CountDownLatch(1);
        ws.closeHandler(v -> clientClosed.countDown());
        writer.write(text("last words"));
        writer.afterWrites(() -> ws.close((short) 1000, "done"));

        assertThat(receive(2)).containsExactly("last words", CLOSED);
        assertThat(clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
        var loop = ((io.vertx.core.http.impl.WebSocketInternal) ws).channelHandlerContext().executor();
        CompletableFuture<Void> onLoop = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                writer.write(text("too late, on the loop"));
                onLoop.complete(null);
            } catch (RuntimeException e) {
                onLoop.completeExceptionally(e);
            }
        });
        assertThatCode(() -> writer.write(text("too late"))).doesNotThrowAnyException();
        assertThatCode(() -> onLoop.get(10, TimeUnit.SECONDS)).doesNotThrowAnyException();
    }
}
