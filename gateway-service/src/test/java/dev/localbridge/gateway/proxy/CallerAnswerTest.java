package dev.localbridge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.localbridge.gateway.metrics.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/**
 * The rules {@link CallerAnswer} holds whatever its source delivers, seen by a raw HTTP/1.1 caller on a keep-alive
 * connection: a path names a script of deliveries (what a hostile agent or holder would send). A request whose answer
 * is refused is followed by a second one on the same connection, which must get its own clean answer; one whose answer
 * is cut is sent alone (a server closing with a pipelined request unread resets the connection, and the caller's
 * kernel may then drop what it had received).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallerAnswerTest {

    private static final String NEXT = "GET /next HTTP/1.1\r\nHost: t\r\n\r\n";

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, Consumer<CallerAnswer>> scripts = new ConcurrentHashMap<>();
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeAll
    void startServer() throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> {
            CallerAnswer answer = new CallerAnswer(request, "rid", (r, headers) -> { });
            if (!request.path().equals("/next")) {
                answer.outcome().onSuccess(outcomes::add);
            }
            request.handler(b -> { });
            scripts.getOrDefault(request.path(), a -> {
                a.head(200, List.of(new dev.localbridge.protocol.Header("Content-Length", "6")));
                a.body(Buffer.buffer("second"), null);
                a.end();
            }).accept(answer);
        });
        new io.vertx.core.json.JsonObject().put("warm", "up").encode(); // JSON's first use loads for seconds here
        server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() {
        vertx.close();
    }

    @BeforeEach
    void clear() {
        outcomes.clear();
    }

    /**
     * Once its announced bytes are written an answer is complete and ends: what the source sends after that (here a
     * forged second response) is dropped, and the connection carries the caller's next answer in step.
     */
    @Test
    void anAnswerEndsAtItsAnnouncedLengthAndWhatItsSourceSendsLaterNeverReachesTheCaller() throws Exception {
        script("/split", a -> steps(
                () -> a.head(200, headers("Content-Length", "2")),
                () -> a.body(Buffer.buffer("ok"), null),
                () -> a.body(Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL"), null),
                a::end));
        Raw raw = call(get("/split") + NEXT);
        assertThat(raw.text()).startsWith("HTTP/1.1 200 OK").contains("content-length: 2\r\n\r\nokHTTP/1.1 200")
                .doesNotContain("EVIL").endsWith("second");
        assertThat(outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void bodyBeyondTheAnnouncedLengthInTheHeadsTurnIs502AndTheConnectionStaysInStep() throws Exception {
        script("/split-now", a -> {
            a.head(200, headers("Content-Length", "2"));
            a.body(Buffer.buffer("okHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL"), null);
            a.end();
        });
        Raw raw = call(get("/split-now") + NEXT);
        assertThat(raw.text()).startsWith("HTTP/1.1 502").contains("TUNNEL_CLOSED").doesNotContain("EVIL")
                .endsWith("second");
        assertThat(outcome().label()).isEqualTo("TUNNEL_CLOSED");
    }

    @Test
    void anEndBeforeTheAnnouncedLengthClosesTheConnection() throws Exception {
        script("/short", a -> steps(
                () -> a.head(200, headers("Content-Length", "50")),
                () -> a.body(Buffer.buffer("0123456789"), null),
                a::end));
        Raw raw = call(get("/short"));
        assertThat(raw.text()).contains("content-length: 50").endsWith("0123456789");
        assertThat(raw.closed()).as("never a clean end on a short answer").isTrue();
        assertThat(outcome()).isEqualTo(Outcome.BROKEN);
    }

    @Test
    void aSecondHeadAfterTheFirstWentCutsTheCaller() throws Exception {
        script("/two-heads", a -> steps(
                () -> a.head(200, List.of()),
                () -> a.body(Buffer.buffer("first"), null),
                () -> a.head(500, List.of()),
                () -> a.body(Buffer.buffer("evil"), null),
                a::end));
        Raw raw = call(get("/two-heads"));
        assertThat(raw.text()).startsWith("HTTP/1.1 200 OK").contains("first").doesNotContain("500")
                .doesNotContain("evil").doesNotContain("\r\n0\r\n\r\n");
        assertThat(raw.closed()).isTrue();
        assertThat(outcome()).isEqualTo(Outcome.BROKEN);
    }

    @Test
    void aSecondHeadBeforeTheFirstWentIs502() throws Exception {
        script("/two-heads-now", a -> {
            a.head(200, headers("Content-Length", "2"));
            a.head(302, headers("Location", "https://evil.example/"));
            a.end();
        });
        Raw raw = call(get("/two-heads-now") + NEXT);
        assertThat(raw.text()).startsWith("HTTP/1.1 502").doesNotContain("evil.example").endsWith("second");
    }

    @Test
    void interimStatusesAreDroppedAndOnlyTheFinalOneReachesTheCaller() throws Exception {
        script("/interim", a -> {
            a.head(103, headers("Link", "</style.css>; rel=preload"));
            a.head(102, List.of());
            a.head(100, List.of()); // the caller did not ask for it
            a.head(200, headers("Content-Length", "4"));
            a.body(Buffer.buffer("fine"), null);
            a.end();
        });
        Raw raw = call(get("/interim") + NEXT);
        assertThat(raw.text()).startsWith("HTTP/1.1 200 OK").doesNotContain("HTTP/1.1 1").contains("fine")
                .endsWith("second");
        assertThat(outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void continueReachesOnlyACallerWhoAskedAndOnlyOnce() throws Exception {
        script("/continue", a -> {
            a.head(100, List.of());
            a.head(100, List.of());
            a.head(200, headers("Content-Length", "4"));
            a.body(Buffer.buffer("fine"), null);
            a.end();
        });
        try (Socket socket = socket()) {
            send(socket, "POST /continue HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
            send(socket, "abc");
            String text = readAvailable(socket);
            assertThat(text).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK").endsWith("fine");
            assertThat(text.split("100 Continue", -1)).as("one 100 Continue").hasSize(2);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {101, 99, 0, 600, 1000})
    void aSwitchOrAStatusOutsideHttpIs502(int status) throws Exception {
        script("/status", a -> {
            a.head(status, headers("Content-Length", "4"));
            a.body(Buffer.buffer("evil"), null);
            a.end();
        });
        Raw raw = call(get("/status") + NEXT);
        assertThat(raw.text()).startsWith("HTTP/1.1 502").doesNotContain("evil").endsWith("second");
    }

    @Test
    void framingAndHopByHopHeadersAreTheGatewaysOwn() throws Exception {
        script("/hop", a -> {
            a.head(200, List.of(h("Transfer-Encoding", "chunked"), h("Connection", "close, X-Hop"), h("X-Hop", "1"),
                    h("Keep-Alive", "timeout=1"), h("Upgrade", "h2c"), h("Proxy-Connection", "close"),
                    h("TE", "trailers"), h("Trailer", "X-T"), h("Content-Length", "4"), h("Content-Length", "4"),
                    h("X-LocalBridge-Error", "TUNNEL_CLOSED"), h("X-Kept", "yes")));
            a.body(Buffer.buffer("fine"), null);
            a.end();
        });
        Raw raw = call(get("/hop") + NEXT);
        String first = raw.text().substring(0, raw.text().indexOf("fine"));
        assertThat(first.toLowerCase()).contains("content-length: 4").contains("x-kept: yes")
                .doesNotContain("transfer-encoding").doesNotContain("connection").doesNotContain("x-hop")
                .doesNotContain("keep-alive").doesNotContain("upgrade").doesNotContain("te:")
                .doesNotContain("trailer").doesNotContain("x-localbridge-error");
        assertThat(raw.text()).endsWith("second");
        assertThat(outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad-name", "nul", "lengths-disagree", "length-not-a-number", "negative-length"})
    void headersThatBreakTheRulesAre502(String rule) throws Exception {
        List<dev.localbridge.protocol.Header> bad = switch (rule) {
            case "bad-name" -> List.of(h("X Bad", "1"));
            case "nul" -> List.of(h("X-Nul", "a\0b"));
            case "lengths-disagree" -> List.of(h("Content-Length", "4"), h("Content-Length", "5"));
            case "length-not-a-number" -> List.of(h("Content-Length", "4x"));
            default -> List.of(h("Content-Length", "-4"));
        };
        script("/bad", a -> {
            a.head(200, bad);
            a.body(Buffer.buffer("evil"), null);
            a.end();
        });
        Raw raw = call(get("/bad") + NEXT);
        assertThat(raw.text()).startsWith("HTTP/1.1 502").doesNotContain("evil").endsWith("second");
    }

    @Test
    void aHeadRequestGetsTheLengthOfTheGetButNoBody() throws Exception {
        script("/head", a -> {
            a.head(200, headers("Content-Length", "100"));
            a.body(Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL"), null);
            a.end();
        });
        Raw raw = call("HEAD /head HTTP/1.1\r\nHost: t\r\n\r\n" + NEXT);
        assertThat(raw.text()).startsWith("HTTP/1.1 200 OK").contains("content-length: 100").doesNotContain("EVIL")
                .endsWith("second");
    }

    @ParameterizedTest
    @ValueSource(ints = {204, 304})
    void noBodyAfter204Or304(int status) throws Exception {
        script("/nobody", a -> {
            a.head(status, List.of());
            a.body(Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL"), null);
            a.end();
        });
        Raw raw = call(get("/nobody") + NEXT);
        assertThat(raw.text()).startsWith("HTTP/1.1 " + status).doesNotContain("EVIL").endsWith("second");
        assertThat(raw.text().split("HTTP/1.1 ", -1)).as("two answers, nothing between them").hasSize(3);
    }

    @Test
    void bytesTheCallerDoesNotGetAreStillCreditedToTheSource() throws Exception {
        List<Integer> credited = new CopyOnWriteArrayList<>();
        script("/credit", a -> {
            a.head(204, List.of());
            a.body(Buffer.buffer("dropped"), v -> credited.add(7));
            a.end();
        });
        call(get("/credit") + NEXT);
        assertThat(credited).containsExactly(7);
    }

    private void script(String path, Consumer<CallerAnswer> script) {
        scripts.put(path, script);
    }

    /**
     * Runs each step in a later event-loop turn than the one before, after what that step scheduled (the head's flush),
     * so that a head delivered in one step has been written to the caller when the next one runs.
     */
    private static void steps(Runnable... steps) {
        next(Vertx.currentContext(), steps, 0);
    }

    private static void next(Context context, Runnable[] steps, int i) {
        if (i < steps.length) {
            context.runOnContext(v -> {
                steps[i].run();
                next(context, steps, i + 1);
            });
        }
    }

    private Outcome outcome() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !outcomes.isEmpty());
        return outcomes.get(0);
    }

    private static List<dev.localbridge.protocol.Header> headers(String name, String value) {
        return List.of(h(name, value));
    }

    private static dev.localbridge.protocol.Header h(String name, String value) {
        return new dev.localbridge.protocol.Header(name, value);
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    private record Raw(String text, boolean closed) {
    }

    /** Sends {@code requests} and reads until the caller's connection closes or stays quiet for a second. */
    private Raw call(String requests) throws IOException {
        try (Socket socket = socket()) {
            send(socket, requests);
            socket.setSoTimeout(2_500);
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    read.write(buf, 0, n);
                }
                return new Raw(read.toString(StandardCharsets.ISO_8859_1), true);
            } catch (SocketTimeoutException quiet) {
                return new Raw(read.toString(StandardCharsets.ISO_8859_1), false);
            } catch (java.net.SocketException reset) {
                return new Raw(read.toString(StandardCharsets.ISO_8859_1), true);
            }
        }
    }

    private Socket socket() throws IOException {
        return new Socket("127.0.0.1", server.actualPort());
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** What arrives within half a second. */
    private static String readAvailable(Socket socket) throws IOException {
        socket.setSoTimeout(500);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = socket.getInputStream().read(buf)) >= 0; ) {
                read.write(buf, 0, n);
            }
        } catch (SocketTimeoutException quiet) {
            // all there is for now
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }
}
