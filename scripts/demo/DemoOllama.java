import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A stand-in for Ollama when none runs on this machine, so that the local demo shows a streamed answer. JDK only:
 * run with {@code java scripts/demo/DemoOllama.java PORT}. Serves {@code /api/tags}, streaming {@code /api/chat} and
 * {@code /api/generate} (NDJSON, one token every 200 ms) and {@code /v1/chat/completions} (SSE).
 */
public class DemoOllama {

    private static final String[] TOKENS = {"Hello", " from", " your", " local", " model", ",", " streamed", " through",
            " LocalBridge", "."};

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 11434;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/tags", ex -> send(ex, 200, "application/json",
                "{\"models\":[{\"name\":\"demo:latest\",\"model\":\"demo:latest\",\"size\":0}]}"));
        server.createContext("/api/chat", ex -> stream(ex, "application/x-ndjson", i -> i < TOKENS.length
                ? "{\"model\":\"demo:latest\",\"message\":{\"role\":\"assistant\",\"content\":\"" + TOKENS[i]
                + "\"},\"done\":false}\n"
                : "{\"model\":\"demo:latest\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true}\n"));
        server.createContext("/api/generate", ex -> stream(ex, "application/x-ndjson", i -> i < TOKENS.length
                ? "{\"model\":\"demo:latest\",\"response\":\"" + TOKENS[i] + "\",\"done\":false}\n"
                : "{\"model\":\"demo:latest\",\"response\":\"\",\"done\":true}\n"));
        server.createContext("/v1/models", ex -> send(ex, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"demo:latest\",\"object\":\"model\","
                + "\"owned_by\":\"library\"}]}"));
        server.createContext("/v1/chat/completions", ex -> stream(ex, "text/event-stream", i -> i < TOKENS.length
                ? "data: {\"choices\":[{\"delta\":{\"content\":\"" + TOKENS[i] + "\"}}]}\n\n"
                : "data: [DONE]\n\n"));
        server.createContext("/", ex -> send(ex, 200, "text/plain", "Ollama is running (LocalBridge demo)"));
        server.start();
        System.out.println("demo Ollama listening on http://127.0.0.1:" + port);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void stream(HttpExchange ex, String type, java.util.function.IntFunction<String> line)
            throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i <= TOKENS.length; i++) {
                out.write(line.apply(i).getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i < TOKENS.length) {
                    Thread.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
