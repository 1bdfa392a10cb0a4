package dev.localbridge.gateway.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.localbridge.gateway.hostile.RawCaller.Answer;
import dev.localbridge.gateway.hostile.RawCaller.Ending;
import dev.localbridge.gateway.testing.Tokens;
import io.restassured.path.json.JsonPath;

/**
 * A caller's request body reaches the local service whole, whatever framing the caller chose: the fake Ollama's
 * {@code POST /digest} answers the byte count and sha256 of what it received. Runs against one gateway
 * ({@link RequestBodyTest}) and through the relay ({@link HostileRelayIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RequestBodyContract {

    /** How the caller frames its request body. */
    enum Framing {
        HTTP1_CONTENT_LENGTH,
        HTTP1_CHUNKED,
        HTTP1_EXPECT_100_CONTINUE,
        HTTP2_WITH_CONTENT_LENGTH,
        HTTP2_WITHOUT_CONTENT_LENGTH
    }

    /** The base URI callers use. */
    protected abstract URI callerGateway();

    /** The user whose well-behaved agent forwards to the fake Ollama. */
    protected abstract String uploader();

    /** How many body bytes the fake Ollama got so far for the upload tagged {@code tag} (-1: the request never came). */
    protected abstract long bytesArrivedSoFar(String tag);

    private static final java.util.concurrent.atomic.AtomicInteger TAGS = new java.util.concurrent.atomic.AtomicInteger();

    static Stream<Arguments> framingsAndSizes() {
        return Stream.of(Framing.values()).flatMap(f -> Stream.of(0, 1, 64 * 1024, 10 * 1024 * 1024)
                .map(size -> Arguments.of(f, size)));
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("framingsAndSizes")
    void theRequestBodyArrivesWholeAtTheLocalService(Framing framing, int size) {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        String tag = framing + "-" + size + "-" + TAGS.incrementAndGet();
        String path = "/api/tunnel/" + HostileAgent.encode(uploader()) + "/digest?tag=" + tag;
        String token = Tokens.forUser(uploader());
        String answer = switch (framing) {
            case HTTP1_CONTENT_LENGTH -> http1(caller -> caller.send("POST", path, token, body));
            case HTTP1_CHUNKED -> http1(caller -> {
                caller.send("POST", path, token, null, "Transfer-Encoding: chunked");
                int piece = 64 * 1024 - 7;
                for (int at = 0; at < size; at += piece) {
                    int n = Math.min(piece, size - at);
                    caller.writeRaw((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    caller.writeRaw(java.util.Arrays.copyOfRange(body, at, at + n));
                    caller.writeRaw("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                caller.writeRaw("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            });
            case HTTP1_EXPECT_100_CONTINUE -> http1(caller -> {
                caller.send("POST", path, token, null, "Expect: 100-continue", "Content-Length: " + size);
                caller.awaitContinue(Duration.ofSeconds(2)); // as curl: send anyway after a short wait
                caller.writeRaw(body);
            });
            case HTTP2_WITH_CONTENT_LENGTH -> http2(path, tag, token, body,
                    H2Caller.BodyFraming.WITH_CONTENT_LENGTH);
            case HTTP2_WITHOUT_CONTENT_LENGTH -> http2(path, tag, token, body,
                    H2Caller.BodyFraming.WITHOUT_CONTENT_LENGTH);
        };
        JsonPath digest = JsonPath.from(answer);
        assertThat(digest.getLong("bytes")).as("bytes the local service received (%s)", answer).isEqualTo(size);
        assertThat(digest.getString("sha256")).isEqualTo(sha256(body));
    }

    private String http1(java.util.function.Consumer<RawCaller> send) {
        try (RawCaller caller = new RawCaller(callerGateway().getHost(), callerGateway().getPort())) {
            send.accept(caller);
            Answer answer = caller.read(false);
            assertThat(answer.status()).as("the answer to the upload; the connection carried:%n%s",
                    abbreviate(caller.transcript())).isEqualTo(200);
            assertThat(answer.ending()).isEqualTo(Ending.COMPLETE);
            return answer.bodyText();
        }
    }

    private String http2(String path, String tag, String token, byte[] body, H2Caller.BodyFraming framing) {
        H2Caller.Result result = H2Caller.post(callerGateway(), path, token, body, framing);
        assertThat(result.failure()).as("the h2 upload of %d bytes failed; the local service had received %d of them",
                body.length, bytesArrivedSoFar(tag)).isNull();
        assertThat(result.status()).as("the answer to the upload: %s", result).isEqualTo(200);
        return result.body().toString(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
