package dev.localbridge.protocol;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of valid frames under {@link FrameLimits#DEFAULT}: every frame type, HTTP-token methods and header
 * names, header values with non-ASCII UTF-8 (supplementary planes included), origin-form targets, body chunks from
 * empty to {@link TunnelProtocol#MAX_CHUNK_BYTES}, every reset and goaway reason.
 */
final class FrameArbitraries {

    /** The tchar set of RFC 9110: what methods and header names may be made of. */
    static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private FrameArbitraries() {
    }

    static Arbitrary<Integer> streamIds() {
        return Arbitraries.integers().between(1, Integer.MAX_VALUE);
    }

    static Arbitrary<String> tokens(int maxLength) {
        return Arbitraries.strings().withChars(TCHARS).ofMinLength(1).ofMaxLength(maxLength);
    }

    static Arbitrary<String> methods() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT",
                        "TRACE")),
                Tuple.of(1, tokens(255)));
    }

    static Arbitrary<String> headerNames() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("Content-Type", "content-length", "Accept", "X-Request-Id", "Set-Cookie")),
                Tuple.of(1, tokens(255)));
    }

    /** Code points from every UTF-8 length class: 1 byte (printable and tab/control), 2, 3 and 4 bytes. */
    private static Arbitrary<Integer> codePoints(boolean controlsAllowed) {
        Arbitrary<Integer> control = controlsAllowed
                ? Arbitraries.of(0x09, 0x01, 0x1B, 0x1F, 0x7F)
                : Arbitraries.integers().between(0x21, 0x7E);
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0x21, 0x7E)),
                Tuple.of(1, Arbitraries.just(controlsAllowed ? 0x20 : 0x2F)),
                Tuple.of(1, control),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
                Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFD)
                        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, Character.MAX_CODE_POINT)));
    }

    static Arbitrary<String> text(int maxCodePoints, boolean controlsAllowed) {
        return codePoints(controlsAllowed).list().ofMaxSize(maxCodePoints).map(FrameArbitraries::fromCodePoints);
    }

    /** Header values: anything but CR, LF and NUL, non-ASCII included. */
    static Arbitrary<String> headerValues() {
        return text(120, true);
    }

    /** Origin-form targets: '/' then no space and no control character; non-ASCII allowed. */
    static Arbitrary<String> targets() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of("/", "/api/chat", "/v1/chat/completions?stream=true", "/%2F%2Fhost")),
                Tuple.of(3, text(300, false).map(s -> "/" + s)));
    }

    static Arbitrary<List<Header>> headers() {
        return Combinators.combine(headerNames(), headerValues()).as(Header::new).list().ofMaxSize(24);
    }

    static Arbitrary<byte[]> bodies(int maxBytes) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxBytes);
    }

    /** Reset and goaway texts, at most {@code FrameLimits.DEFAULT.maxReasonBytes()} bytes (256 code points * 4). */
    static Arbitrary<String> reasonTexts() {
        return text(256, true);
    }

    static Arbitrary<Frame.RequestHead> requestHeads() {
        return Combinators.combine(streamIds(), methods(), targets(), headers(), Arbitraries.of(true, false))
                .as(Frame.RequestHead::new);
    }

    static Arbitrary<Frame.RequestBody> requestBodies(int maxBytes) {
        return Combinators.combine(streamIds(), bodies(maxBytes)).as(Frame.RequestBody::new);
    }

    static Arbitrary<Frame.RequestEnd> requestEnds() {
        return streamIds().map(Frame.RequestEnd::new);
    }

    static Arbitrary<Frame.ResponseHead> responseHeads() {
        return Combinators.combine(streamIds(), Arbitraries.integers().between(100, 999), headers(),
                Arbitraries.of(true, false)).as(Frame.ResponseHead::new);
    }

    static Arbitrary<Frame.ResponseBody> responseBodies(int maxBytes) {
        return Combinators.combine(streamIds(), bodies(maxBytes)).as(Frame.ResponseBody::new);
    }

    static Arbitrary<Frame.ResponseEnd> responseEnds() {
        return streamIds().map(Frame.ResponseEnd::new);
    }

    static Arbitrary<Frame.Reset> resets() {
        return Combinators.combine(streamIds(), Arbitraries.of(ResetReason.class), reasonTexts())
                .as(Frame.Reset::new);
    }

    static Arbitrary<Frame.WindowUpdate> windowUpdates() {
        return Combinators.combine(streamIds(), Arbitraries.integers().between(1, Integer.MAX_VALUE))
                .as(Frame.WindowUpdate::new);
    }

    static Arbitrary<Frame.Ping> pings() {
        return Arbitraries.longs().map(Frame.Ping::new);
    }

    static Arbitrary<Frame.Pong> pongs() {
        return Arbitraries.longs().map(Frame.Pong::new);
    }

    static Arbitrary<Frame.GoAway> goAways() {
        return Combinators.combine(Arbitraries.of(GoAwayReason.class), reasonTexts()).as(Frame.GoAway::new);
    }

    /** Any valid frame; body chunks up to {@code maxBodyBytes}. */
    static Arbitrary<Frame> frames(int maxBodyBytes) {
        return Arbitraries.oneOf(requestHeads(), requestBodies(maxBodyBytes), requestEnds(), responseHeads(),
                responseBodies(maxBodyBytes), responseEnds(), resets(), windowUpdates(), pings(), pongs(), goAways());
    }

    private static String fromCodePoints(List<Integer> codePoints) {
        StringBuilder sb = new StringBuilder(codePoints.size() * 2);
        codePoints.forEach(sb::appendCodePoint);
        return sb.toString();
    }
}
