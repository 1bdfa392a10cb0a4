package dev.localbridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.HdrHistogram.Histogram;

/**
 * Time to establish a tunnel: N sequential WebSocket opens to the gateway's /ws/tunnel with a JWT
 * ({@code Authorization: Bearer}) offering the {@code localbridge.tunnel.v2} subprotocol. Each measurement runs
 * from the start of the TCP connect until the 101 response has been processed (the gateway verifies the JWT,
 * checks the per-user connection limit and registers the lease before answering 101). Each tunnel is closed
 * (close handshake, or abort after 2 s) before the next one is opened, so the per-user limit is never hit.
 */
final class TunnelConnect {

    private TunnelConnect() {}

    static int run(BenchTool.Options o) throws Exception {
        URI uri = URI.create(o.require("url"));
        int count = (int) o.number("count", 50);
        int warmup = (int) o.number("warmup", 5);
        String subprotocol = o.get("subprotocol", "localbridge.tunnel.v2");
        String token = o.token();
        if (token == null) {
            throw new IllegalArgumentException("missing --token-file");
        }

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Map<String, Integer> errors = new TreeMap<>();
        int wrongSubprotocol = 0;

        for (int i = 0; i < warmup + count; i++) {
            Listener listener = new Listener();
            long start = System.nanoTime();
            WebSocket ws;
            try {
                ws = client.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .subprotocols(subprotocol)
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(uri, listener)
                    .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                String key = e.getCause() instanceof WebSocketHandshakeException hs
                    ? "HTTP " + hs.getResponse().statusCode()
                    : String.valueOf(e.getCause());
                errors.merge(key, 1, Integer::sum);
                continue;
            } catch (TimeoutException e) {
                errors.merge("timeout", 1, Integer::sum);
                continue;
            }
            long elapsed = System.nanoTime() - start;
            if (i >= warmup) {
                h.recordValue(elapsed);
                if (!subprotocol.equals(ws.getSubprotocol())) {
                    wrongSubprotocol++;
                }
            }
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench").get(2, TimeUnit.SECONDS);
                listener.closed.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }

        int errorCount = errors.values().stream().mapToInt(Integer::intValue).sum();
        System.err.printf("connect %s: %d tunnels established (after %d warm-up), errors %s, subprotocol not selected: %d%n",
            uri, h.getTotalCount(), warmup, errors, wrongSubprotocol);
        if (h.getTotalCount() > 0) {
            System.err.printf("  p50 %.2f ms  p90 %.2f  p99 %.2f  max %.2f%n",
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6,
                h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
        }
        System.out.printf(java.util.Locale.ROOT, "RESULT count=%d errors=%d wrong_subprotocol=%d p50_us=%.1f p99_us=%.1f max_us=%.1f%n",
            h.getTotalCount(), errorCount, wrongSubprotocol,
            h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1e3,
            h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1e3,
            h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1e3);
        return h.getTotalCount() > 0 ? 0 : 1;
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // frames the gateway may send (e.g. ping) are ignored
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(null);
        }
    }
}
