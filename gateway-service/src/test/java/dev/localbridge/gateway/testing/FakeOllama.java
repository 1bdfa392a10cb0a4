package dev.localbridge.gateway.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A stand-in for the user's local Ollama (the one thing we do not own), on a free port. It serves Ollama's
 * {@code /api/tags}, {@code /v1/models}, streaming {@code /api/chat} (NDJSON, one line per {@code delayMs}),
 * {@code /v1/chat/completions} (SSE), and routes for tests: {@code /echo/**} (any method), {@code /upload},
 * {@code /download?bytes=N}, {@code /slow?delayMs=N}, {@code /fail}, {@code /hang}, {@code /digest} (the byte count,
 * sha256 and framing headers of the request body it received, for checking that bodies arrive whole), and
 * {@code /page} (a local web app's HTML page with a cookie, its own caching, CORS and HSTS headers and a forged gateway
 * error header).
 *
 * <p>It records what a test needs to see from the far side: when each streamed line was written, and which requests
 * were cut off by the caller before they finished ({@link #cancelled()}).
 */
public final class FakeOllama {

    private final Vertx vertx = Vertx.vertx();
    private HttpServer server;
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final Map<String, Long> lastLineWrittenNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> firstUploadByteNanos = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<JsonObject> seen = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> digestBytes = new ConcurrentHashMap<>();

    public FakeOllama start() {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
        return this;
    }

    public void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    public int port() {
        return server.actualPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Requests whose connection closed before the fake finished its response. */
    public int cancelled() {
        return cancelled.get();
    }

    /** Requests received so far. */
    public int started() {
        return started.get();
    }

    /** When the last line of the streamed response tagged {@code tag} (the {@code tag} query parameter) was written. */
    public Long lastLineWrittenNanos(String tag) {
        return lastLineWrittenNanos.get(tag);
    }

    /** When the first body byte of the upload tagged {@code tag} arrived, or {@code null} before. */
    public Long firstUploadByteNanos(String tag) {
        return firstUploadByteNanos.get(tag);
    }

    /** Body bytes received so far by the {@code /digest} request tagged {@code tag}, or -1 when none arrived. */
    public long digestBytesSoFar(String tag) {
        AtomicLong n = digestBytes.get(tag);
        return n == null ? -1 : n.get();
    }

    /** Method, path and headers of every request received, in order. */
    public CopyOnWriteArrayList<JsonObject> seen() {
        return seen;
    }

    private void handle(HttpServerRequest request) {
        started.incrementAndGet();
        JsonObject headers = new JsonObject();
        request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
        seen.add(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
                .put("headers", headers));
        String path = request.path();
        if (path.equals("/api/tags")) {
            json(request.response(), new JsonObject().put("models",
                    new JsonArray().add(new JsonObject().put("name", "llama3:8b").put("size", 4_661_224_676L))));
        } else if (path.equals("/api/chat")) {
            stream(request, "application/x-ndjson", i -> new JsonObject().put("model", "llama3:8b")
                    .put("message", new JsonObject().put("role", "assistant").put("content", "token" + i))
                    .put("done", false).encode() + "\n", new JsonObject().put("done", true).encode() + "\n");
        } else if (path.equals("/v1/models")) {
            json(request.response(), new JsonObject().put("object", "list").put("data", new JsonArray()
                    .add(new JsonObject().put("id", "llama3:8b").put("object", "model").put("owned_by", "library"))));
        } else if (path.equals("/v1/chat/completions")) {
            stream(request, "text/event-stream", i -> "data: " + new JsonObject().put("choices", new JsonArray()
                    .add(new JsonObject().put("delta", new JsonObject().put("content", "token" + i)))).encode()
                    + "\n\n", "data: [DONE]\n\n");
        } else if (path.startsWith("/echo")) {
            echo(request, headers);
        } else if (path.equals("/upload")) {
            upload(request);
        } else if (path.equals("/digest")) {
            digest(request);
        } else if (path.equals("/download")) {
            download(request, Long.parseLong(request.getParam("bytes", "1048576")));
        } else if (path.equals("/slow")) {
            long delay = Long.parseLong(request.getParam("delayMs", "5000"));
            watchForCancel(request);
            vertx.setTimer(delay, t -> {
                if (!request.response().closed()) {
                    json(request.response(), new JsonObject().put("slow", true));
                }
            });
        } else if (path.equals("/fail")) {
            request.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"model not loaded\"}");
        } else if (path.equals("/page")) {
            request.response().putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Set-Cookie", "session=local; Path=/; HttpOnly")
                    .putHeader("Cache-Control", "max-age=60")
                    .putHeader("ETag", "\"page-v1\"")
                    .putHeader("Access-Control-Allow-Origin", "*")
                    .putHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload")
                    .putHeader("X-LocalBridge-Error", "UPSTREAM_UNAVAILABLE")
                    .end("<!doctype html><title>local</title><script>fetch('/api/tunnel/status')</script>");
        } else if (path.equals("/hang")) {
            watchForCancel(request);
        } else {
            request.response().setStatusCode(404).end("not found: " + path);
        }
    }

    private void stream(HttpServerRequest request, String contentType, java.util.function.IntFunction<String> line,
            String last) {
        int lines = Integer.parseInt(request.getParam("lines", "5"));
        long delay = Long.parseLong(request.getParam("delayMs", "100"));
        String tag = request.getParam("tag", "default");
        HttpServerResponse response = request.response();
        response.setChunked(true).putHeader("Content-Type", contentType);
        watchForCancel(request);
        request.body().onSuccess(body -> writeLines(response, line, last, lines, delay, tag, 0));
    }

    private void writeLines(HttpServerResponse response, java.util.function.IntFunction<String> line, String last,
            int lines, long delay, String tag, int i) {
        if (response.closed()) {
            return;
        }
        if (i == lines) {
            lastLineWrittenNanos.put(tag, System.nanoTime());
            response.end(last);
            return;
        }
        response.write(line.apply(i));
        vertx.setTimer(delay, t -> writeLines(response, line, last, lines, delay, tag, i + 1));
    }

    private void watchForCancel(HttpServerRequest request) {
        request.connection().closeHandler(v -> {
            if (!request.response().ended()) {
                cancelled.incrementAndGet();
            }
        });
    }

    private void echo(HttpServerRequest request, JsonObject headers) {
        MessageDigest sha = sha256();
        AtomicLong bytes = new AtomicLong();
        request.handler(b -> {
            sha.update(b.getBytes());
            bytes.addAndGet(b.length());
        });
        request.endHandler(v -> json(request.response().putHeader("X-Echo", "yes"), new JsonObject()
                .put("method", request.method().name())
                .put("path", request.path())
                .put("query", request.query())
                .put("headers", headers)
                .put("bytes", bytes.get())
                .put("sha256", HexFormat.of().formatHex(sha.digest()))));
    }

    private void upload(HttpServerRequest request) {
        MessageDigest sha = sha256();
        AtomicLong bytes = new AtomicLong();
        String tag = request.getParam("tag", "default");
        request.handler(b -> {
            firstUploadByteNanos.putIfAbsent(tag, System.nanoTime());
            sha.update(b.getBytes());
            bytes.addAndGet(b.length());
        });
        request.endHandler(v -> json(request.response(),
                new JsonObject().put("bytes", bytes.get()).put("sha256", HexFormat.of().formatHex(sha.digest()))));
    }

    /** Answers what arrived: bytes, sha256, and the framing the agent used towards this local service. */
    private void digest(HttpServerRequest request) {
        MessageDigest sha = sha256();
        AtomicLong bytes = new AtomicLong();
        digestBytes.put(request.getParam("tag", "default"), bytes);
        String contentLength = request.getHeader("Content-Length");
        String transferEncoding = request.getHeader("Transfer-Encoding");
        request.handler(b -> {
            sha.update(b.getBytes());
            bytes.addAndGet(b.length());
        });
        request.endHandler(v -> json(request.response(), new JsonObject()
                .put("bytes", bytes.get())
                .put("sha256", HexFormat.of().formatHex(sha.digest()))
                .put("contentLength", contentLength)
                .put("transferEncoding", transferEncoding)));
    }

    private void download(HttpServerRequest request, long total) {
        HttpServerResponse response = request.response();
        response.putHeader("Content-Type", "application/octet-stream").putHeader("Content-Length",
                Long.toString(total));
        watchForCancel(request);
        writeBlocks(response, total, 0);
    }

    private void writeBlocks(HttpServerResponse response, long total, long sent) {
        while (sent < total && !response.writeQueueFull()) {
            int n = (int) Math.min(64 * 1024, total - sent);
            response.write(Buffer.buffer(pattern(sent, n)));
            sent += n;
        }
        if (sent == total) {
            response.end();
            return;
        }
        long at = sent;
        response.drainHandler(v -> writeBlocks(response, total, at));
    }

    /** The deterministic content of {@code /download}: byte i is {@code (i * 31 + 7) & 0xFF}. */
    public static byte[] pattern(long offset, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (((offset + i) * 31 + 7) & 0xFF);
        }
        return out;
    }

    private static void json(HttpServerResponse response, JsonObject body) {
        response.putHeader("Content-Type", "application/json").end(body.encode());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
