package dev.localbridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The encoder refuses, with {@link IllegalArgumentException}, every frame the decoder would reject, so a bug on the
 * sending side fails there and never reaches the peer. Each refusal sits next to the largest or plainest frame of its
 * kind that is still accepted.
 */
class FrameEncoderRefusalTest {

    private final FrameCodec codec = new FrameCodec();

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void refusesStreamFramesWithoutPositiveStreamId(int streamId) {
        List<IntFunction<Frame>> streamFrames = List.of(
                id -> new Frame.RequestHead(id, "GET", "/", List.of(), true),
                id -> new Frame.RequestBody(id, new byte[1]),
                Frame.RequestEnd::new,
                id -> new Frame.ResponseHead(id, 200, List.of(), true),
                id -> new Frame.ResponseBody(id, new byte[1]),
                Frame.ResponseEnd::new,
                id -> new Frame.Reset(id, ResetReason.CANCEL, ""),
                id -> new Frame.WindowUpdate(id, 1));
        for (IntFunction<Frame> frame : streamFrames) {
            assertEncodes(frame.apply(1));
            assertRefused(frame.apply(streamId));
        }
    }

    @Test
    void refusesMethodThatIsNotAToken() {
        assertEncodes(request("M".repeat(255), "/"));
        for (String method : List.of("", "GE T", "G\u00c9T", "GET\r\n", "M".repeat(256))) {
            assertRefused(request(method, "/"));
        }
    }

    @Test
    void refusesTargetThatIsNotAPlainPath() {
        assertEncodes(request("GET", "/caf\u00e9?q=\uD83D\uDE00"));
        for (String target : List.of("", "api", "http://evil.example/", "/a b", "/a\r\nX: y", "/\u0000", "/\u007f",
                "/\t")) {
            assertRefused(request("GET", target));
        }
    }

    @Test
    void refusesTargetAboveTheLimit() {
        int max = FrameLimits.DEFAULT.maxTargetBytes();
        assertEncodes(request("GET", "/" + "t".repeat(max - 1)));
        assertRefused(request("GET", "/" + "t".repeat(max)));
        // The limit counts UTF-8 bytes, not chars: 5462 euro signs are 16386 bytes.
        assertRefused(request("GET", "/" + "\u20ac".repeat(max / 3 + 1)));
    }

    @Test
    void refusesBadHeaderNames() {
        assertEncodes(response(List.of(new Header("n".repeat(255), "v"))));
        for (String name : List.of("", "X Y", "X:", "\u00e9", "n".repeat(256))) {
            assertRefused(response(List.of(new Header(name, "v"))));
            assertRefused(new Frame.RequestHead(1, "GET", "/", List.of(new Header(name, "v")), true));
        }
    }

    @Test
    void refusesCrLfOrNulInHeaderValues() {
        assertEncodes(response(List.of(new Header("X", "tab\tand caf\u00e9 \uD83D\uDE00"))));
        for (String value : List.of("\r", "\n", "\u0000", "a\r\nSet-Cookie: x=1")) {
            assertRefused(response(List.of(new Header("X", value))));
        }
    }

    @Test
    void refusesUnpairedSurrogatesInsteadOfSendingQuestionMarks() {
        assertRefused(response(List.of(new Header("X", "a\uD800"))));
        assertRefused(response(List.of(new Header("X", "\uDC00b"))));
        assertRefused(request("GET", "/\uDBFF"));
    }

    @Test
    void refusesTooManyHeaders() {
        int max = FrameLimits.DEFAULT.maxHeaderCount();
        assertEncodes(response(headers(max, "a", "b")));
        assertRefused(response(headers(max + 1, "a", "b")));
    }

    @Test
    void refusesHeaderBlockAboveTheLimit() {
        String half = "v".repeat(FrameLimits.DEFAULT.maxHeaderBytes() / 2);
        assertRefused(response(headers(2, "a", half)));
    }

    /** A header block within its own limit can still make the whole message too large for the peer. */
    @Test
    void refusesHeadFrameAboveTheMessageLimit() {
        // Limits where a header block within its own limit (64 KiB) is larger than a whole message may be.
        FrameLimits limits = new FrameLimits(64 * 1024 + TunnelProtocol.FRAME_HEADER_BYTES, 200, 64 * 1024,
                16 * 1024, 1024);
        FrameCodec tight = new FrameCodec(limits);
        int fitting = limits.maxMessageBytes() - TunnelProtocol.FRAME_HEADER_BYTES - 2 - 2 - 1 - 2 - 1;
        Frame fits = response(List.of(new Header("x", "v".repeat(fitting))));
        try {
            assertThat(tight.decode(tight.encode(fits))).isEqualTo(fits);
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> tight.encode(response(List.of(new Header("x", "v".repeat(fitting + 1))))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tight.encode(response(List.of(new Header("x", "v".repeat(limits.maxHeaderBytes()
                - 1)))))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tight.encode(new Frame.RequestHead(1, "GET", "/" + "t".repeat(
                limits.maxTargetBytes() - 1), headers(2, "a", "v".repeat(25_000)), true)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesBodyChunkAboveTheLimit() {
        assertEncodes(new Frame.RequestBody(1, new byte[TunnelProtocol.MAX_CHUNK_BYTES]));
        assertRefused(new Frame.RequestBody(1, new byte[TunnelProtocol.MAX_CHUNK_BYTES + 1]));
        assertRefused(new Frame.ResponseBody(1, new byte[TunnelProtocol.MAX_CHUNK_BYTES + 1]));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 99, 1000, 65536 + 200})
    void refusesStatusOutOfRange(int status) {
        assertRefused(new Frame.ResponseHead(1, status, List.of(), true));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void refusesWindowIncrementThatIsNotPositive(int increment) {
        assertRefused(new Frame.WindowUpdate(1, increment));
    }

    /** Lengths are 16-bit on the wire; limits configured above that must not wrap a length around. */
    @Test
    void refusesFieldsAbove16BitLengthsWhateverTheLimits() throws ProtocolException {
        FrameCodec roomy = new FrameCodec(new FrameLimits(1 << 20, 200, 1 << 20, 1 << 20, 1 << 20));
        assertThatThrownBy(() -> roomy.encode(response(List.of(new Header("x", "\u00e9".repeat(40_000))))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> roomy.encode(request("GET", "/" + "t".repeat(0xFFFF))))
                .isInstanceOf(IllegalArgumentException.class);
        Frame.Reset decoded = (Frame.Reset) roomy.decode(
                roomy.encode(new Frame.Reset(1, ResetReason.INTERNAL_ERROR, "r".repeat(70_000))));
        assertThat(decoded.message()).hasSize(0xFFFF);
    }

    /** Reason texts are diagnostics: never refused, cut at a code point boundary to fit the limit. */
    @Test
    void truncatesLongReasonTextAtACodePointBoundary() throws ProtocolException {
        String euros = "\u20ac".repeat(400);
        Frame.Reset reset = (Frame.Reset) codec.decode(codec.encode(new Frame.Reset(1, ResetReason.CANCEL, euros)));
        assertThat(reset.message()).isEqualTo("\u20ac".repeat(FrameLimits.DEFAULT.maxReasonBytes() / 3));

        String emoji = "x" + "\uD83D\uDE00".repeat(300);
        Frame.GoAway goAway = (Frame.GoAway) codec.decode(codec.encode(new Frame.GoAway(GoAwayReason.DRAINING,
                emoji)));
        assertThat(goAway.message()).isEqualTo("x" + "\uD83D\uDE00".repeat(255));

        Frame.Reset lone = (Frame.Reset) codec.decode(codec.encode(new Frame.Reset(1, ResetReason.CANCEL,
                "a\uD800b")));
        assertThat(lone.message()).isEqualTo("a?b");
    }

    private static Frame.RequestHead request(String method, String target) {
        return new Frame.RequestHead(1, method, target, List.of(), true);
    }

    private static Frame.ResponseHead response(List<Header> headers) {
        return new Frame.ResponseHead(1, 200, headers, false);
    }

    private static List<Header> headers(int count, String name, String value) {
        List<Header> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            headers.add(new Header(name, value));
        }
        return headers;
    }

    private void assertEncodes(Frame frame) {
        try {
            assertThat(codec.decode(codec.encode(frame))).isEqualTo(frame);
        } catch (ProtocolException e) {
            throw new AssertionError("the encoder produced bytes its own decoder rejects: " + e.getMessage(), e);
        }
    }

    private void assertRefused(Frame frame) {
        assertThatThrownBy(() -> codec.encode(frame)).as("encoding %s", frame)
                .isInstanceOf(IllegalArgumentException.class);
    }
}
