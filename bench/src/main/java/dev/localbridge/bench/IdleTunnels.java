package dev.localbridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Many idle tunnels held open against one gateway: N WebSockets, one per user by default (the realistic case: one
 * desktop agent per user), each answering the gateway's keepalive {@code Ping} with a {@code Pong} and sending nothing
 * else but its opening {@code Hello}. The tokens are minted here (RS256 with the key of {@code scripts/dev-keys.sh}), so that every tunnel costs
 * the gateway a real first-time JWT verification and its own per-user bookkeeping.
 *
 * <p>Once every open has been tried, the tool writes {@code opened=N} to {@code --ready-file} (the bench script
 * measures the gateway's heap then), holds the tunnels for {@code --hold} seconds, and reports how many the gateway
 * closed meanwhile. A tunnel the gateway closes during the hold is a failure: idle tunnels must stay up.
 */
final class IdleTunnels {

    private static final String SUBPROTOCOL = "localbridge.tunnel.v2";
    private static final int PING = 0x09;
    private static final int PONG = 0x0A;
    private static final int PING_FRAME_BYTES = 14;
    /** {@code Hello(2, [])}: without it the gateway never routes to a tunnel and closes it after its hello timeout. */
    private static final byte[] HELLO = {0x0C, 0, 0, 0, 0, 0, 0, 2, 0};
    private static final int HELLO_TYPE = 0x0C;

    private final AtomicLong pings = new AtomicLong();
    private final AtomicLong otherFrames = new AtomicLong();
    private final Map<String, AtomicLong> closedDuringHold = new ConcurrentSkipListMap<>();
    private final Map<String, AtomicLong> refused = new ConcurrentSkipListMap<>();
    private volatile boolean holding;

    private IdleTunnels() {}

    static int run(BenchTool.Options o) throws Exception {
        return new IdleTunnels().hold(o);
    }

    private int hold(BenchTool.Options o) throws Exception {
        URI uri = URI.create(o.require("url"));
        int count = (int) o.number("count", 1000);
        int users = (int) o.number("users", count);
        int concurrency = (int) o.number("concurrency", 64);
        long holdSeconds = (long) o.number("hold", 20);
        String prefix = o.get("user-prefix", "idle-");
        String readyFile = o.get("ready-file", null);
        PrivateKey key = privateKey(Path.of(o.require("private-key")));
        String issuer = o.get("issuer", "https://localbridge.dev/");

        long mintStart = System.nanoTime();
        List<String> tokens = IntStream.range(0, users).parallel()
                .mapToObj(i -> token(key, prefix + i, issuer)).toList();
        System.err.printf("minted %d tokens in %.1f s%n", users, (System.nanoTime() - mintStart) / 1e9);

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Histogram opening = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        List<WebSocket> open = new ArrayList<>(count);
        Semaphore inFlight = new Semaphore(concurrency);
        long openStart = System.nanoTime();
        List<CompletableFuture<?>> attempts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            long start = System.nanoTime();
            attempts.add(client.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + tokens.get(i % users))
                    .subprotocols(SUBPROTOCOL)
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(uri, new Listener())
                    .handle((ws, error) -> {
                        inFlight.release();
                        if (error != null) {
                            refused.computeIfAbsent(reason(error), k -> new AtomicLong()).incrementAndGet();
                        } else {
                            opening.recordValue(System.nanoTime() - start);
                            synchronized (open) {
                                open.add(ws);
                            }
                        }
                        return null;
                    }));
            if ((i + 1) % 2000 == 0) {
                System.err.printf("  %d tunnels tried, %.1f s%n", i + 1, (System.nanoTime() - openStart) / 1e9);
            }
        }
        CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        long refusedCount = refused.values().stream().mapToLong(AtomicLong::get).sum();
        System.err.printf("%d tunnels open after %.1f s, %d refused %s; open p50 %.1f ms p99 %.1f ms%n",
                open.size(), openSeconds, refusedCount, refused, opening.getValueAtPercentile(50) / 1e6,
                opening.getValueAtPercentile(99) / 1e6);

        holding = true;
        long pingsBefore = pings.get();
        if (readyFile != null) {
            Files.writeString(Path.of(readyFile), "opened=" + open.size() + "\n");
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds));
        holding = false;
        long closed = closedDuringHold.values().stream().mapToLong(AtomicLong::get).sum();
        System.err.printf("held %d s: %d pings answered, %d tunnels closed by the gateway %s%n", holdSeconds,
                pings.get() - pingsBefore, closed, closedDuringHold);

        System.out.printf(Locale.ROOT, "RESULT opened=%d refused=%d closed_during_hold=%d pings=%d other_frames=%d "
                        + "open_seconds=%.1f open_p50_us=%.1f open_p99_us=%.1f%n",
                open.size(), refusedCount, closed, pings.get() - pingsBefore, otherFrames.get(), openSeconds,
                opening.getValueAtPercentile(50) / 1e3, opening.getValueAtPercentile(99) / 1e3);
        for (WebSocket ws : open) {
            ws.abort();
        }
        return open.size() == count && closed == 0 ? 0 : 1;
    }

    private static String reason(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof WebSocketHandshakeException hs
                ? "HTTP " + hs.getResponse().statusCode()
                : cause.getClass().getSimpleName();
    }

    /** One RS256 JWT with the claims of {@code scripts/mint-token.sh} (sub, iss, iat, exp, jti), valid 2 hours. */
    private static String token(PrivateKey key, String subject, String issuer) {
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = String.format(Locale.ROOT, "{\"sub\":\"%s\",\"iss\":\"%s\",\"iat\":%d,\"exp\":%d,\"jti\":\"%s\"}",
                subject, issuer, now, now + 7200, java.util.UUID.randomUUID());
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rs256.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 PEM RSA private key ({@code openssl genpkey}, as {@code scripts/dev-keys.sh} makes it). */
    private static PrivateKey privateKey(Path pem) throws Exception {
        String text = Files.readString(pem);
        if (!text.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalArgumentException(pem + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** Answers every Ping with a Pong of the same payload; anything else the gateway sends is only counted. */
    private final class Listener implements WebSocket.Listener {
        private ByteBuffer pending = ByteBuffer.allocate(0);

        @Override
        public void onOpen(WebSocket ws) {
            ws.sendBinary(ByteBuffer.wrap(HELLO), true);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ByteBuffer message = data;
            if (!last || pending.hasRemaining()) {
                ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + data.remaining());
                joined.put(pending).put(data).flip();
                pending = joined;
                if (!last) {
                    ws.request(1);
                    return null;
                }
                message = pending;
                pending = ByteBuffer.allocate(0);
            }
            if (message.remaining() == PING_FRAME_BYTES && (message.get(message.position()) & 0xFF) == PING) {
                ByteBuffer pong = ByteBuffer.allocate(PING_FRAME_BYTES);
                pong.put((byte) PONG).put((byte) 0).putInt(0).putLong(message.getLong(message.position() + 6)).flip();
                pings.incrementAndGet();
                ws.sendBinary(pong, true);
            } else if ((message.get(message.position()) & 0xFF) != HELLO_TYPE) {
                otherFrames.incrementAndGet();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            if (holding) {
                closedDuringHold.computeIfAbsent(statusCode + " " + reason, k -> new AtomicLong()).incrementAndGet();
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (holding) {
                closedDuringHold.computeIfAbsent(error.getClass().getSimpleName(), k -> new AtomicLong())
                        .incrementAndGet();
            }
        }
    }
}
