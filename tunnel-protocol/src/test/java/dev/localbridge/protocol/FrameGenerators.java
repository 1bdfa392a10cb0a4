package dev.localbridge.protocol;

import static org.quicktheories.generators.Generate.booleans;
import static org.quicktheories.generators.Generate.constant;
import static org.quicktheories.generators.Generate.enumValues;
import static org.quicktheories.generators.Generate.pick;
import static org.quicktheories.generators.Generate.range;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators of valid frames under {@link FrameLimits#DEFAULT}: every frame type, HTTP-token methods and header
 * names, header values with non-ASCII UTF-8 (supplementary planes included), origin-form targets, body chunks from
 * empty to {@link TunnelProtocol#MAX_CHUNK_BYTES}, every reset and goaway reason; and the small building blocks the
 * properties use for invalid input. Everything shrinks: QuickTheories shrinks the random draws behind a value, so a
 * mapped or combined generator needs no shrinker of its own.
 */
final class FrameGenerators {

    /** The tchar set of RFC 9110: what methods and header names may be made of. */
    static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /**
     * One frame type: its record class, its type byte on the wire, a generator of valid frames of that type and how
     * many of them its round-trip property checks.
     */
    record FrameType<F extends Frame>(Class<F> type, byte wireType, Gen<F> frames, int examples) {
    }

    private FrameGenerators() {
    }

    /**
     * Every frame type, body chunks up to {@code maxBodyBytes}. A new frame type is one more entry here: it then has
     * a round-trip property, takes part in every robustness property, and its type byte counts as known in the
     * random-bytes one ({@code FrameCodecRoundTripTest} fails while a {@link Frame} record has no entry).
     */
    static List<FrameType<?>> frameTypes(int maxBodyBytes) {
        return List.of(
                new FrameType<>(Frame.RequestHead.class, FrameCodec.REQUEST_HEAD, requestHeads(), 300),
                new FrameType<>(Frame.RequestBody.class, FrameCodec.REQUEST_BODY, requestBodies(maxBodyBytes), 100),
                new FrameType<>(Frame.RequestEnd.class, FrameCodec.REQUEST_END, requestEnds(), 50),
                new FrameType<>(Frame.ResponseHead.class, FrameCodec.RESPONSE_HEAD, responseHeads(), 300),
                new FrameType<>(Frame.ResponseBody.class, FrameCodec.RESPONSE_BODY, responseBodies(maxBodyBytes),
                        100),
                new FrameType<>(Frame.ResponseEnd.class, FrameCodec.RESPONSE_END, responseEnds(), 50),
                new FrameType<>(Frame.Reset.class, FrameCodec.RESET, resets(), 200),
                new FrameType<>(Frame.WindowUpdate.class, FrameCodec.WINDOW_UPDATE, windowUpdates(), 100),
                new FrameType<>(Frame.Ping.class, FrameCodec.PING, pings(), 50),
                new FrameType<>(Frame.Pong.class, FrameCodec.PONG, pongs(), 50),
                new FrameType<>(Frame.GoAway.class, FrameCodec.GOAWAY, goAways(), 200),
                new FrameType<>(Frame.Hello.class, FrameCodec.HELLO, hellos(), 200),
                new FrameType<>(Frame.Accept.class, FrameCodec.ACCEPT, accepts(), 50),
                new FrameType<>(Frame.Renew.class, FrameCodec.RENEW, renews(), 200),
                new FrameType<>(Frame.Renewed.class, FrameCodec.RENEWED, reneweds(), 200));
    }

    /** Any valid frame, every type equally likely; body chunks up to {@code maxBodyBytes}. */
    static Gen<Frame> frames(int maxBodyBytes) {
        return oneOf(frameTypes(maxBodyBytes).stream().<Gen<Frame>>map(t -> t.frames().map(f -> f)).toList());
    }

    /** The type bytes of every frame type in {@link #frameTypes}. */
    static List<Byte> knownWireTypes() {
        return frameTypes(0).stream().map(FrameType::wireType).toList();
    }

    // ---------------------------------------------------------------- fields

    static Gen<Integer> streamIds() {
        return range(1, Integer.MAX_VALUE);
    }

    static Gen<String> tokens(int maxLength) {
        return strings(pick(chars(TCHARS)), 1, maxLength);
    }

    static Gen<String> methods() {
        return frequency(
                Pair.of(3, pick(List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT",
                        "TRACE"))),
                Pair.of(1, tokens(255)));
    }

    static Gen<String> headerNames() {
        return frequency(
                Pair.of(2, pick(List.of("Content-Type", "content-length", "Accept", "X-Request-Id", "Set-Cookie"))),
                Pair.of(1, tokens(255)));
    }

    /** Code points from every UTF-8 length class: 1 byte (printable and tab/control), 2, 3 and 4 bytes. */
    private static Gen<Integer> codePoints(boolean controlsAllowed) {
        Gen<Integer> control = controlsAllowed
                ? pick(List.of(0x09, 0x01, 0x1B, 0x1F, 0x7F))
                : range(0x21, 0x7E);
        // 0x800..0xFFFD without the surrogates: drawn from a gap-free range and shifted past them, not filtered.
        int surrogates = Character.MAX_SURROGATE - Character.MIN_SURROGATE + 1;
        Gen<Integer> threeBytes = range(0x800, 0xFFFD - surrogates)
                .map(cp -> cp < Character.MIN_SURROGATE ? cp : cp + surrogates);
        return frequency(
                Pair.of(8, range(0x21, 0x7E)),
                Pair.of(1, constant(controlsAllowed ? 0x20 : 0x2F)),
                Pair.of(1, control),
                Pair.of(2, range(0x80, 0x7FF)),
                Pair.of(2, threeBytes),
                Pair.of(1, range(0x10000, Character.MAX_CODE_POINT)));
    }

    static Gen<String> text(int maxCodePoints, boolean controlsAllowed) {
        return lists(codePoints(controlsAllowed), 0, maxCodePoints).map(FrameGenerators::fromCodePoints);
    }

    /** Header values: anything but CR, LF and NUL, non-ASCII included. */
    static Gen<String> headerValues() {
        return text(120, true);
    }

    /** Origin-form targets: '/' then no space and no control character; non-ASCII allowed. */
    static Gen<String> targets() {
        return frequency(
                Pair.of(1, pick(List.of("/", "/api/chat", "/v1/chat/completions?stream=true", "/%2F%2Fhost"))),
                Pair.of(3, text(300, false).map(s -> "/" + s)));
    }

    static Gen<List<Header>> headers() {
        return lists(headerNames().zip(headerValues(), Header::new), 0, 24);
    }

    /**
     * Body chunks of 0 to {@code maxBytes} bytes: a quarter drawn byte by byte up to 64 bytes, the rest of any length
     * filled from a drawn seed. A draw per byte of a 256 KiB chunk would make every example and every shrink step
     * cost 256 K draws, and leave the shrinker one chance in 256 K per step to pick the length.
     */
    static Gen<byte[]> bodies(int maxBytes) {
        Gen<byte[]> seeded = range(0, maxBytes).zip(longs().all(), (length, seed) -> {
            byte[] bytes = new byte[length];
            new SplittableRandom(seed).nextBytes(bytes);
            return bytes;
        });
        return frequency(Pair.of(1, byteArrays(0, Math.min(64, maxBytes))), Pair.of(3, seeded))
                .describedAs(FrameGenerators::hex);
    }

    /** Reset and goaway texts, at most {@code FrameLimits.DEFAULT.maxReasonBytes()} bytes (256 code points * 4). */
    static Gen<String> reasonTexts() {
        return text(256, true);
    }

    // ---------------------------------------------------------------- frames

    static Gen<Frame.RequestHead> requestHeads() {
        return streamIds().zip(methods(), targets(), headers(), booleans(), Frame.RequestHead::new);
    }

    static Gen<Frame.RequestBody> requestBodies(int maxBytes) {
        return streamIds().zip(bodies(maxBytes), Frame.RequestBody::new);
    }

    static Gen<Frame.RequestEnd> requestEnds() {
        return streamIds().map(Frame.RequestEnd::new);
    }

    static Gen<Frame.ResponseHead> responseHeads() {
        return streamIds().zip(range(100, 999), headers(), booleans(), Frame.ResponseHead::new);
    }

    static Gen<Frame.ResponseBody> responseBodies(int maxBytes) {
        return streamIds().zip(bodies(maxBytes), Frame.ResponseBody::new);
    }

    static Gen<Frame.ResponseEnd> responseEnds() {
        return streamIds().map(Frame.ResponseEnd::new);
    }

    static Gen<Frame.Reset> resets() {
        return streamIds().zip(enumValues(ResetReason.class), reasonTexts(), Frame.Reset::new);
    }

    static Gen<Frame.WindowUpdate> windowUpdates() {
        return streamIds().zip(range(1, Integer.MAX_VALUE), Frame.WindowUpdate::new);
    }

    static Gen<Frame.Ping> pings() {
        return longs().all().map(Frame.Ping::new);
    }

    static Gen<Frame.Pong> pongs() {
        return longs().all().map(Frame.Pong::new);
    }

    static Gen<Frame.GoAway> goAways() {
        return enumValues(GoAwayReason.class).zip(reasonTexts(), Frame.GoAway::new);
    }

    /** Versions 1…65535 and 0…32 distinct capability names of 1…32 characters {@code [a-z][a-z0-9.-]*}. */
    static Gen<Frame.Hello> hellos() {
        Gen<Character> first = range('a', 'z').map(c -> (char) c.intValue());
        Gen<Character> rest = oneOf(List.of(first, range('0', '9').map(c -> (char) c.intValue()),
                range(0, 1).map(i -> i == 0 ? '.' : '-')));
        Gen<String> names = first.zip(strings(rest, 0, 31), (f, r) -> f + r);
        Gen<List<String>> capabilities = lists(names, 0, TunnelProtocol.MAX_CAPABILITIES)
                .map(list -> list.stream().distinct().toList());
        return range(1, 65535).zip(capabilities, Frame.Hello::new);
    }

    static Gen<Frame.Accept> accepts() {
        return streamIds().map(Frame.Accept::new);
    }

    /**
     * Tokens of 1 to {@link TunnelProtocol#MAX_TOKEN_BYTES} visible ASCII characters: mostly JWT-like (base64url and
     * dots), some from the whole visible range, some at the length limit.
     */
    static Gen<Frame.Renew> renews() {
        Gen<String> jwtLike = strings(pick(chars(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")), 1, 2000);
        Gen<String> visible = strings(range(0x21, 0x7E).map(c -> (char) c.intValue()), 1, 300);
        Gen<String> longest = range(0x21, 0x7E).map(c -> String.valueOf((char) c.intValue())
                .repeat(TunnelProtocol.MAX_TOKEN_BYTES));
        return frequency(Pair.of(6, jwtLike), Pair.of(3, visible), Pair.of(1, longest)).map(Frame.Renew::new);
    }

    /** Every result, validities from 0 to {@link Long#MAX_VALUE} (no expiry), free texts like a reset's. */
    static Gen<Frame.Renewed> reneweds() {
        Gen<Long> validities = frequency(Pair.of(3, longs().between(1_700_000_000L, 4_000_000_000L)),
                Pair.of(1, longs().between(0, Long.MAX_VALUE)), Pair.of(1, constant(Long.MAX_VALUE)));
        return enumValues(RenewResult.class).zip(validities, reasonTexts(), Frame.Renewed::new);
    }

    // ---------------------------------------------------------------- building blocks

    /** One of {@code gens}, equally likely; shrinks towards the first. */
    static <T> Gen<T> oneOf(List<Gen<T>> gens) {
        Gen<Integer> index = range(0, gens.size() - 1);
        return in -> gens.get(index.generate(in)).generate(in);
    }

    /** One of the generators, in proportion to its weight; shrinks towards the first. */
    @SafeVarargs
    static <T> Gen<T> frequency(Pair<Integer, Gen<T>>... weighted) {
        return Generate.frequency(List.of(weighted));
    }

    /** Lists of {@code min} to {@code max} elements; shrink towards fewer and smaller elements. */
    static <T> Gen<List<T>> lists(Gen<T> elements, int min, int max) {
        Gen<Integer> sizes = range(min, max);
        return in -> {
            int size = sizes.generate(in);
            List<T> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(elements.generate(in));
            }
            return list;
        };
    }

    /** Strings of {@code min} to {@code max} chars (UTF-16 units: a generator of chars may yield lone surrogates). */
    static Gen<String> strings(Gen<Character> chars, int min, int max) {
        return lists(chars, min, max).map(cs -> {
            StringBuilder sb = new StringBuilder(cs.size());
            cs.forEach(sb::append);
            return sb.toString();
        });
    }

    /** Any UTF-16 unit, lone surrogates and controls included. */
    static Gen<Character> anyChar() {
        return range(0, Character.MAX_VALUE).map(c -> (char) c.intValue());
    }

    /** Byte arrays of {@code min} to {@code max} bytes, described in hex when reported. */
    static Gen<byte[]> byteArrays(int min, int max) {
        return Generate.byteArrays(range(min, max), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
                .describedAs(FrameGenerators::hex);
    }

    static String hex(byte[] bytes) {
        String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, 96));
        return bytes.length + " bytes [" + hex + (bytes.length > 96 ? " ..." : "") + "]";
    }

    static List<Character> chars(String s) {
        return s.chars().mapToObj(c -> (char) c).toList();
    }

    private static String fromCodePoints(List<Integer> codePoints) {
        StringBuilder sb = new StringBuilder(codePoints.size() * 2);
        codePoints.forEach(sb::appendCodePoint);
        return sb.toString();
    }
}
