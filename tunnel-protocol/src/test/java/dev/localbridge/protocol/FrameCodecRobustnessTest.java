package dev.localbridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile input: random bytes, cut-off frames and single-byte corruptions. The decoder answers each with a frame or a
 * {@link ProtocolException}, nothing else. Whatever it accepts is canonical: encoding the result gives back exactly
 * the input bytes, so no two byte strings decode to the same frame.
 */
class FrameCodecRobustnessTest {

    private final FrameCodec codec = new FrameCodec();

    @Property(tries = 3000)
    void randomBytesDecodeOrFailWithProtocolException(@ForAll("garbage") byte[] bytes) {
        Statistics.label("outcome").collect(decodeCanonicallyOrReject(bytes));
        Statistics.label("outcome").coverage(c -> {
            c.check("decoded").percentage(p -> p > 1);
            c.check(ProtocolException.Reason.TRUNCATED).percentage(p -> p > 1);
            c.check(ProtocolException.Reason.BAD_FIELD).percentage(p -> p > 1);
            c.check(ProtocolException.Reason.UNKNOWN_TYPE).percentage(p -> p > 1);
        });
    }

    /**
     * A cut-off frame is refused as TRUNCATED. The exception is a body frame: its payload has no length field, so a
     * prefix of at least the 6-byte frame header is itself a valid, shorter body frame, and must decode as exactly
     * that.
     */
    @Property(tries = 300)
    void everyProperPrefixIsTruncatedUnlessItIsAShorterBody(@ForAll("smallFrames") Frame frame)
            throws ProtocolException {
        byte[] bytes = codec.encode(frame);
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            if (length >= TunnelProtocol.FRAME_HEADER_BYTES && isBody(frame)) {
                byte[] data = Arrays.copyOfRange(bytes, TunnelProtocol.FRAME_HEADER_BYTES, length);
                Frame expected = frame instanceof Frame.RequestBody
                        ? new Frame.RequestBody(frame.streamId(), data)
                        : new Frame.ResponseBody(frame.streamId(), data);
                assertThat(codec.decode(prefix)).isEqualTo(expected);
            } else {
                ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(prefix));
                assertThat(e).as("prefix of %d of %d bytes of %s", length, bytes.length, frame).isNotNull();
                assertThat(e.reason()).as(e.getMessage()).isEqualTo(ProtocolException.Reason.TRUNCATED);
            }
        }
    }

    @Property(tries = 2000)
    void singleByteMutationsDecodeOrFailWithProtocolException(@ForAll("smallFrames") Frame frame,
            @ForAll @IntRange(min = 0, max = 1 << 20) int position, @ForAll boolean nearTheStart,
            @ForAll @IntRange(min = 1, max = 255) int xor) throws ProtocolException {
        byte[] bytes = codec.encode(frame);
        // Most frames are mostly payload; aim half of the mutations at the header and length fields.
        int index = position % (nearTheStart ? Math.min(bytes.length, 16) : bytes.length);
        bytes[index] ^= (byte) xor;
        Object outcome = decodeCanonicallyOrReject(bytes);
        if (outcome.equals("decoded")) {
            assertThat(codec.decode(bytes)).isNotEqualTo(frame);
        }
        Statistics.label("outcome").collect(outcome);
        Statistics.label("outcome").coverage(c -> c.check("decoded").percentage(p -> p > 5));
    }

    /** The same bytes through the ByteBuffer entry point, at a non-zero position, read-only: same answer. */
    @Property(tries = 300)
    void byteBufferEntryPointAgreesWithTheArrayOne(@ForAll("smallFrames") Frame frame) throws ProtocolException {
        byte[] bytes = codec.encode(frame);
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 3).position(3).put(bytes).position(3)
                .asReadOnlyBuffer();
        assertThat(codec.decode(buffer)).isEqualTo(frame);
        assertThat(buffer.hasRemaining()).isFalse();
    }

    /**
     * Returns "decoded" when the bytes decode (and then re-encode to exactly themselves) or the rejection reason.
     * Any other exception escapes and fails the property.
     */
    private Object decodeCanonicallyOrReject(byte[] bytes) {
        Frame frame;
        try {
            frame = codec.decode(bytes);
        } catch (ProtocolException e) {
            assertThat(e.reason()).isNotNull();
            return e.reason();
        }
        assertThat(codec.encode(frame)).as("re-encoding of %s", frame).isEqualTo(bytes);
        return "decoded";
    }

    private static boolean isBody(Frame frame) {
        return frame instanceof Frame.RequestBody || frame instanceof Frame.ResponseBody;
    }

    @Provide
    Arbitrary<Frame> smallFrames() {
        return FrameArbitraries.frames(2048);
    }

    /**
     * Uniformly random bytes find little beyond "unknown type", so most of the input looks like a frame header of a
     * known type (with plausible and implausible flags and stream ids) followed by random or nearly valid payload.
     */
    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> mutatedFrame = Combinators.combine(FrameArbitraries.frames(64),
                Arbitraries.integers().between(0, 1 << 20), Arbitraries.bytes()).as((frame, at, value) -> {
                    byte[] bytes = new FrameCodec().encode(frame);
                    bytes[at % bytes.length] = value;
                    return bytes;
                });
        Arbitrary<byte[]> framed = Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.integers().between(0x01, 0x0B)),
                        Tuple.of(1, Arbitraries.of(0x00, 0x0C, 0x7F, 0x80, 0xFF))),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(0, 1)), Tuple.of(1, Arbitraries.integers()
                        .between(0, 255))),
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(0, 3)),
                        Tuple.of(1, Arbitraries.integers())),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(48)).as((type, flags, stream, payload) -> {
                    ByteBuffer b = ByteBuffer.allocate(TunnelProtocol.FRAME_HEADER_BYTES + payload.length);
                    return b.put(type.byteValue()).put(flags.byteValue()).putInt(stream).put(payload).array();
                });
        Arbitrary<byte[]> oversized = Arbitraries.integers()
                .between(FrameLimits.DEFAULT.maxMessageBytes() - 1, FrameLimits.DEFAULT.maxMessageBytes() + 2)
                .map(n -> {
                    byte[] bytes = new byte[n];
                    bytes[0] = FrameCodec.RESPONSE_BODY;
                    bytes[5] = 1;
                    return bytes;
                });
        return Arbitraries.frequencyOf(Tuple.of(3, random), Tuple.of(4, framed), Tuple.of(4, mutatedFrame),
                Tuple.of(1, oversized));
    }
}
