package dev.localbridge.gateway.hostile;

import static dev.localbridge.gateway.hostile.HostileAgent.body;
import static dev.localbridge.gateway.hostile.HostileAgent.end;
import static dev.localbridge.gateway.hostile.HostileAgent.head;
import static dev.localbridge.gateway.hostile.HostileAgent.headOnly;
import static dev.localbridge.gateway.hostile.HostileAgent.pause;
import static dev.localbridge.gateway.hostile.HostileAgent.rawHead;
import static dev.localbridge.gateway.hostile.HostileAgent.reset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.localbridge.gateway.hostile.RawCaller.Answer;
import dev.localbridge.gateway.hostile.RawCaller.Ending;
import dev.localbridge.gateway.hostile.RawCaller.Leftover;
import dev.localbridge.gateway.testing.Tokens;
import dev.localbridge.protocol.ResetReason;
import io.restassured.path.json.JsonPath;
import io.vertx.core.http.StreamResetException;

/**
 * What a hostile agent (valid token, our wire protocol, lies in every frame) must not achieve against callers: bytes
 * of its own in another caller's answer on a shared keep-alive connection, a truncated answer that looks complete, a
 * status or header the gateway did not vouch for. The same contract runs against one gateway
 * ({@link HostileAgentTest}) and through the relay between two replicas ({@link HostileAgentRelayIT}).
 *
 * <p>The caller is a raw socket ({@link RawCaller}) so that the test sees the bytes on the wire; the "victim" is
 * another user whose well-behaved agent serves the fake Ollama, asked on the same connection after the attack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostileAgentContract {

    /** Appears only in bytes the hostile agent made up. */
    static final String MARKER = "INJECTED-BY-THE-AGENT";
    /** A complete HTTP/1.1 answer that looks like the victim's, as the hostile agent would smuggle it. */
    static final String INJECTED_ANSWER = injectedAnswer();

    private static final AtomicInteger USERS = new AtomicInteger();

    protected HostileAgent mallory;

    /** The base URI ({@code http://host:port}) the hostile agent connects to. */
    protected abstract URI agentGateway();

    /** The base URI callers use. */
    protected abstract URI callerGateway();

    /** A user whose well-behaved agent serves the fake Ollama (its {@code /echo}), reachable through the caller side. */
    protected abstract String victim();

    @BeforeEach
    void connectHostileAgent() {
        mallory = HostileAgent.connect(agentGateway(), "mallory-" + USERS.incrementAndGet())
                .awaitRoutable(callerGateway());
    }

    @AfterEach
    void closeHostileAgent() {
        if (mallory != null) {
            mallory.close();
        }
    }

    // ------------------------------------------------------------------ 1. response splitting

    /**
     * Head, overrunning body and end in one burst. When the gateway sees the broken promise before it has written
     * the head (it writes a head at the end of the event-loop turn) the caller gets a 502 envelope and the connection
     * stays usable — its next answer is the caller's own; when the frames reach it in separate turns (through the
     * relay, say) the head went out first and the connection is cut after at most the announced bytes. Never the
     * agent's injected answer.
     */
    @Test
    void anOverrunInOneBurstIsA502OrACutAndNeverReachesTheCaller() {
        mallory.on("/split", head(200, "Content-Type", "text/plain", "Content-Length", "2"),
                body("OK" + INJECTED_ANSWER), end());
        try (RawCaller caller = caller()) {
            Answer first = ask(caller, "GET", "/split");
            assertThat(caller.transcript()).doesNotContain(MARKER);
            if (first.status() == 502) {
                assertThat(new String(first.body(), StandardCharsets.UTF_8)).contains("TUNNEL_CLOSED");
                assertNextAnswerIsTheVictimsOwn(caller);
            } else {
                assertThat(first.body().length).as("the connection carried:%n%s", caller.transcript())
                        .isLessThanOrEqualTo(2);
                assertThat(caller.leftover(Duration.ofSeconds(3)).closed()).as("cut after the head went out")
                        .isTrue();
            }
        }
    }

    /** The head went out first (a pause after it): then at most the 2 announced bytes, and the connection is cut. */
    @Test
    void nextAnswerOnTheConnectionIsTheCallersOwnWhenTheAgentOverrunsItsContentLength() {
        mallory.on("/split", head(200, "Content-Type", "text/plain", "Content-Length", "2"), pause(200),
                body("OK" + INJECTED_ANSWER), end());
        try (RawCaller caller = caller()) {
            Answer first = ask(caller, "GET", "/split");
            assertThat(first.body().length).as("body bytes of the overrunning answer; the connection carried:%n%s",
                    caller.transcript()).isLessThanOrEqualTo(2);
            assertNextAnswerIsTheVictimsOwn(caller);
        }
    }

    @Test
    void nextAnswerIsTheCallersOwnWhenTheOverrunComesInALaterBodyFrame() {
        mallory.on("/split-later", head(200, "Content-Type", "text/plain", "Content-Length", "2"), body("OK"),
                pause(200), body(INJECTED_ANSWER), end());
        try (RawCaller caller = caller()) {
            ask(caller, "GET", "/split-later");
            assertNextAnswerIsTheVictimsOwn(caller);
        }
    }

    @Test
    void theCallersConnectionIsCutAfterTheAnnouncedBytesWhenTheAgentOverrunsItsContentLength() {
        mallory.on("/split", head(200, "Content-Type", "text/plain", "Content-Length", "2"), pause(200),
                body("OK" + INJECTED_ANSWER), end());
        try (RawCaller caller = caller()) {
            Answer first = ask(caller, "GET", "/split");
            Leftover rest = caller.leftover(Duration.ofSeconds(3));
            assertThat(rest.text()).as("bytes the gateway wrote after the %d announced by Content-Length: 2 (the "
                    + "answer %s)", first.body().length, first.ending()).isEmpty();
            assertThat(rest.closed()).as("the caller's connection is closed once the agent broke its Content-Length; "
                    + "it stayed open after:%n%s", caller.transcript()).isTrue();
        }
    }

    // ------------------------------------------------------------------ 2. short body

    @Test
    void anAnswerShorterThanItsContentLengthEndsInACutConnectionOverHttp1() {
        mallory.on("/short", head(200, "Content-Type", "text/plain", "Content-Length", "50"), body("0123456789"),
                pause(200), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/short");
            assertThat(answer.ending()).as("an answer announced as 50 bytes that brings 10 must end in a closed "
                    + "connection (%s after %d bytes); the connection carried:%n%s", answer.problem(),
                    answer.body().length, caller.transcript()).isEqualTo(Ending.CUT);
        }
    }

    @Test
    void anAnswerShorterThanItsContentLengthResetsTheHttp2Stream() {
        mallory.on("/short", head(200, "Content-Type", "text/plain", "Content-Length", "50"), body("0123456789"),
                pause(200), end());
        H2Caller.Result result = H2Caller.get(callerGateway(), malloryPath("/short"), mallory.token());
        // A reset from the gateway, not the h2 client noticing on its own that END_STREAM came early (Netty checks
        // content-length; many clients do not): the gateway must not end the stream as if the answer were complete.
        assertThat(result.failure()).as("the h2 stream of an answer announced as 50 bytes that brings 10 is reset by "
                + "the gateway (RST_STREAM), never ended cleanly; the caller got %s", result)
                .isInstanceOf(StreamResetException.class);
    }

    /**
     * Head, short body and end in one burst: a 502 when nothing was written yet (then the connection stays usable),
     * else a cut — never a clean end of the short answer.
     */
    @Test
    void aShortAnswerInOneBurstIsA502OrACutNeverACleanEnd() {
        mallory.on("/short-burst", head(200, "Content-Type", "text/plain", "Content-Length", "50"),
                body("0123456789"), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/short-burst");
            if (answer.status() == 502) {
                assertNextAnswerIsTheVictimsOwn(caller);
            } else {
                assertThat(answer.ending()).as("the connection carried:%n%s", caller.transcript())
                        .isEqualTo(Ending.CUT);
            }
        }
    }

    @Test
    void aResetAfterTheHeadCutsAChunkedAnswer() {
        mallory.on("/reset-mid-body", head(200, "Content-Type", "text/plain"), body("partial"), pause(100),
                reset(ResetReason.INTERNAL_ERROR));
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/reset-mid-body");
            assertThat(answer.ending()).as("the connection carried:%n%s", caller.transcript()).isEqualTo(Ending.CUT);
        }
    }

    @Test
    void aBodyWithoutAResponseHeadIsA502() {
        mallory.on("/headless", body(MARKER), end());
        try (RawCaller caller = caller()) {
            assertIsA502Envelope(caller, ask(caller, "GET", "/headless"));
        }
    }

    // ------------------------------------------------------------------ 3. a second head

    @Test
    void aSecondResponseHeadRightAfterTheFirstNeverReplacesTheStatus() {
        mallory.on("/two-heads", head(200, "Content-Type", "text/plain", "X-First", "yes"),
                head(500, "Content-Type", "text/plain", "X-Second", "yes"), body("second " + MARKER), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/two-heads");
            assertThat(answer.status()).as("the second head replaced the first; the connection carried:%n%s",
                    caller.transcript()).isNotEqualTo(500);
            assertThat(answer.header("X-Second")).as("a header of the second head").isNull();
            assertThat(answer.status() == 502 || answer.ending() != Ending.COMPLETE)
                    .as("the broken answer is a 502 or cut, never a clean %d; the connection carried:%n%s",
                            answer.status(), caller.transcript()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).alias("the gateway resets the stream of the second head")
                .until(() -> !mallory.resetsOfLast("/two-heads").isEmpty());
    }

    @Test
    void aSecondResponseHeadAfterBodyBytesCutsTheAnswer() {
        mallory.on("/late-head", head(200, "Content-Type", "text/plain"), body("first part "), pause(200),
                head(500, "X-Second", "yes"), body(MARKER), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/late-head");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.ending()).as("an answer whose agent sent a second head is cut, never ended cleanly; "
                    + "the connection carried:%n%s", caller.transcript()).isEqualTo(Ending.CUT);
            assertThat(answer.bodyText()).doesNotContain(MARKER);
        }
        await().atMost(Duration.ofSeconds(5)).alias("the gateway resets the stream of the second head")
                .until(() -> !mallory.resetsOfLast("/late-head").isEmpty());
    }

    // ------------------------------------------------------------------ 4. statuses

    @ParameterizedTest(name = "status {0}")
    @ValueSource(ints = {101, 600, 999, 42, 1000})
    void aStatusOutsideTheHttpRangeOrASwitchOfProtocolsBecomesA502(int status) {
        mallory.on("/status", rawHead(status, false, "Content-Type", "text/plain", "Upgrade", "websocket",
                "Connection", "Upgrade"), body(MARKER), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/status");
            assertIsA502Envelope(caller, answer);
        }
    }

    @ParameterizedTest(name = "interim status {0}")
    @ValueSource(ints = {100, 102, 103})
    void anInterimStatusTheCallerDidNotAskForIsNeverItsFinalStatusNorForwarded(int status) {
        mallory.on("/interim", head(status, "Link", "</style.css>; rel=preload"), pause(200),
                head(200, "Content-Type", "text/plain", "Content-Length", "5"), body("hello"), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/interim");
            assertThat(answer.interimStatusLines()).as("interim answers the caller never asked for; the connection "
                    + "carried:%n%s", caller.transcript()).isEmpty();
            assertThat(answer.status()).as("final status (%s, %s); the connection carried:%n%s", answer.ending(),
                    answer.problem(), caller.transcript()).isIn(200, 502);
            assertThat(answer.ending()).isEqualTo(Ending.COMPLETE);
            if (answer.status() == 200) {
                assertThat(answer.bodyText()).isEqualTo("hello");
            }
            assertNextAnswerIsTheVictimsOwn(caller);
        }
    }

    // ------------------------------------------------------------------ 5. hop-by-hop and framing headers

    static Stream<Arguments> hopByHopAndFramingHeaders() {
        return Stream.of(
                Arguments.of("Transfer-Encoding chunked on a body that is not chunked",
                        List.of("Transfer-Encoding", "chunked")),
                Arguments.of("Connection close naming a header", List.of("Connection", "close, X-Foo",
                        "X-Foo", MARKER)),
                Arguments.of("a header named in Connection", List.of("Connection", "X-Foo", "X-Foo", MARKER)),
                Arguments.of("Upgrade", List.of("Upgrade", "websocket-" + MARKER)),
                Arguments.of("Keep-Alive", List.of("Keep-Alive", "timeout=1, max=1, x=" + MARKER)),
                Arguments.of("TE", List.of("TE", "trailers, " + MARKER)),
                Arguments.of("Trailer", List.of("Trailer", "X-" + MARKER)),
                Arguments.of("Proxy-Connection", List.of("Proxy-Connection", "keep-alive, " + MARKER)),
                Arguments.of("two different Content-Lengths", List.of("Content-Length", "5", "Content-Length", "40")),
                Arguments.of("a Content-Length that is not a number", List.of("Content-Length", "5x")),
                Arguments.of("Content-Length beside Transfer-Encoding", List.of("Content-Length", "40",
                        "Transfer-Encoding", "chunked")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hopByHopAndFramingHeaders")
    void hopByHopAndFramingHeadersFromTheAgentNeverReachTheCallerAsSent(String name, List<String> headers) {
        String[] pairs = headers.toArray(String[]::new);
        String[] all = new String[pairs.length + 2];
        all[0] = "Content-Type";
        all[1] = "text/plain";
        System.arraycopy(pairs, 0, all, 2, pairs.length);
        mallory.on("/headers", head(200, all), body("hello"), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/headers");
            String transcript = caller.transcript();
            assertThat(transcript).as("the agent's hop-by-hop header reached the caller:%n%s", transcript)
                    .doesNotContain(MARKER);
            // Framing the agent contradicts itself on (a length it does not keep) may break the answer visibly
            // once its head went out: a cut, never a stall or a malformed message.
            assertThat(answer.ending()).as("a well-formed answer or a visible cut (%s); the connection carried:%n%s",
                    answer.problem(), transcript).isIn(Ending.COMPLETE, Ending.CUT);
            if (answer.ending() == Ending.CUT) {
                assertThat(answer.body().length).as("a cut answer carries none of the agent's extra bytes")
                        .isLessThanOrEqualTo("hello".length());
            } else if (answer.status() != 200) {
                // the gateway refused the agent's answer: its own error envelope, nothing of the agent's
                assertThat(answer.status()).as("the connection carried:%n%s", transcript).isBetween(500, 599);
                assertThat(JsonPath.from(answer.bodyText()).getString("error.code")).isNotBlank();
            } else {
                assertThat(answer.bodyText()).as("the body the agent sent").isEqualTo("hello");
                for (int i = 0; i < pairs.length; i += 2) {
                    // the gateway's own framing may well be chunked, and its own Connection header is its business
                    if (!List.of("content-length", "connection", "transfer-encoding").contains(
                            pairs[i].toLowerCase(java.util.Locale.ROOT))) {
                        assertThat(answer.headerValues(pairs[i])).as("header %s as sent by the agent", pairs[i])
                                .doesNotContain(pairs[i + 1]);
                    }
                }
                assertThat(answer.headerValues("Connection")).as("Connection as the agent sent it")
                        .doesNotContain("X-Foo", "close, X-Foo");
            }
            assertNextAnswerIsTheVictimsOwn(caller);
        }
    }

    // ------------------------------------------------------------------ 6. bodiless answers

    static Stream<Arguments> bodilessAnswers() {
        return Stream.of(
                Arguments.of("HEAD", 200, List.of("Content-Type", "text/plain")),
                Arguments.of("HEAD", 200, List.of("Content-Type", "text/plain", "Content-Length",
                        Integer.toString(INJECTED_ANSWER.length()))),
                Arguments.of("GET", 204, List.of()),
                Arguments.of("GET", 304, List.of("ETag", "\"v1\"")));
    }

    @ParameterizedTest(name = "{0} answered {1} with {2}")
    @MethodSource("bodilessAnswers")
    void bodyBytesTheAgentSendsForABodilessAnswerNeverReachTheNextAnswer(String method, int status,
            List<String> headers) {
        mallory.on("/bodiless", head(status, headers.toArray(String[]::new)), body(INJECTED_ANSWER), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, method, "/bodiless");
            assertThat(answer.status()).as("the connection carried:%n%s", caller.transcript()).isIn(status, 502);
            assertNextAnswerIsTheVictimsOwn(caller);
        }
    }

    // ------------------------------------------------------------------ 7. bad header names and values

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                Arguments.of("a space in the name", "X Bad", "value"),
                Arguments.of("a colon in the name", "X-Set: pwned", "value"),
                Arguments.of("a non-ASCII name", "X-Caf\u00e9", "value"),
                Arguments.of("CR LF in the value", "X-Note", "a\r\nSet-Cookie: session=" + MARKER),
                Arguments.of("a bare LF in the value", "X-Note", "a\nSet-Cookie: session=" + MARKER),
                Arguments.of("a bare CR in the value", "X-Note", "a\rSet-Cookie: session=" + MARKER),
                Arguments.of("NUL in the value", "X-Note", "a\0" + MARKER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void headerNamesThatAreNotTokensAndValuesWithCrLfOrNulAreA502BeforeTheHead(String what, String name,
            String value) {
        mallory.on("/bad-header", rawHead(200, false, "Content-Type", "text/plain", name, value), body(MARKER), end());
        try (RawCaller caller = caller()) {
            Answer answer = ask(caller, "GET", "/bad-header");
            assertIsA502Envelope(caller, answer);
        }
    }

    // ------------------------------------------------------------------ control

    @Test
    void aWellBehavedAnswerComesThroughWholeAndTheConnectionStaysUsable() {
        mallory.on("/fine", head(200, "Content-Type", "text/plain", "Content-Length", "11", "X-Model", "llama3"),
                body("hello"), body(" world"), end());
        mallory.on("/fine-chunked", head(200, "Content-Type", "application/x-ndjson"), body("{\"a\":1}\n"),
                pause(50), body("{\"a\":2}\n"), end());
        try (RawCaller caller = caller()) {
            Answer fixed = ask(caller, "GET", "/fine");
            assertThat(fixed.status()).isEqualTo(200);
            assertThat(fixed.ending()).isEqualTo(Ending.COMPLETE);
            assertThat(fixed.bodyText()).isEqualTo("hello world");
            assertThat(fixed.header("X-Model")).isEqualTo("llama3");
            Answer streamed = ask(caller, "GET", "/fine-chunked");
            assertThat(streamed.status()).isEqualTo(200);
            assertThat(streamed.ending()).isEqualTo(Ending.COMPLETE);
            assertThat(streamed.bodyText()).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
            Answer bodiless = ask(caller, "HEAD", "/fine");
            assertThat(bodiless.status()).isEqualTo(200);
            assertNextAnswerIsTheVictimsOwn(caller);
            assertThat(caller.leftover(Duration.ofMillis(300)).closed()).as("keep-alive").isFalse();
        }
        mallory.on("/empty", headOnly(204));
        try (RawCaller caller = caller()) {
            assertThat(ask(caller, "GET", "/empty").status()).isEqualTo(204);
            assertNextAnswerIsTheVictimsOwn(caller);
        }
    }

    // ------------------------------------------------------------------ helpers

    RawCaller caller() {
        return new RawCaller(callerGateway().getHost(), callerGateway().getPort());
    }

    String malloryPath(String path) {
        return "/api/tunnel/" + HostileAgent.encode(mallory.userId()) + path;
    }

    Answer ask(RawCaller caller, String method, String path) {
        caller.send(method, malloryPath(path), mallory.token(), null);
        return caller.read(method.equals("HEAD"));
    }

    /** The victim's own answer on the same connection, or a closed connection; never bytes the agent made up. */
    void assertNextAnswerIsTheVictimsOwn(RawCaller caller) {
        caller.send("GET", "/api/tunnel/" + HostileAgent.encode(victim()) + "/echo/victim-own",
                Tokens.forUser(victim()), null);
        Answer next = caller.read(false);
        String transcript = caller.transcript();
        assertThat(transcript).as("the next answer on the caller's connection, for another user, carries bytes the "
                + "hostile agent made up; the connection carried:%n%s", transcript).doesNotContain(MARKER);
        if (next.status() == -1 && next.ending() == Ending.CUT) {
            return; // the connection was cut: the caller retries on a new one, nothing was mixed up
        }
        assertThat(next.status()).as("the victim's answer; the connection carried:%n%s", transcript).isEqualTo(200);
        assertThat(next.ending()).as("the victim's answer ends cleanly (%s)", next.problem())
                .isEqualTo(Ending.COMPLETE);
        assertThat(next.header("X-Echo")).isEqualTo("yes");
        assertThat(JsonPath.from(next.bodyText()).getString("path")).isEqualTo("/echo/victim-own");
    }

    /** A 502 with the error envelope, before any head of the agent's, and nothing of the agent's body. */
    static void assertIsA502Envelope(RawCaller caller, Answer answer) {
        String transcript = caller.transcript();
        assertThat(answer.status()).as("the caller must get 502; the connection carried:%n%s", transcript)
                .isEqualTo(502);
        assertThat(answer.interimStatusLines()).isEmpty();
        assertThat(answer.ending()).as("a complete 502 (%s)", answer.problem()).isEqualTo(Ending.COMPLETE);
        assertThat(JsonPath.from(answer.bodyText()).getString("error.code")).as("the error envelope")
                .isNotBlank();
        assertThat(transcript).doesNotContain(MARKER);
    }

    private static String injectedAnswer() {
        String body = "{\"path\":\"/echo/victim-own\",\"marker\":\"" + MARKER + "\"}";
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Echo: yes\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }
}
