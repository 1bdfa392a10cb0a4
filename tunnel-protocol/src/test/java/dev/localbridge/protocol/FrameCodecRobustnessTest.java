package dev.localbridge.protocol;

import static dev.localbridge.protocol.FrameGenerators.byteArrays;
import static dev.localbridge.protocol.FrameGenerators.frequency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.quicktheories.generators.Generate.booleans;
import static org.quicktheories.generators.Generate.pick;
import static org.quicktheories.generators.Generate.range;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Hostile input: random bytes, cut-off frames and single-byte corruptions. The decoder answers each with a frame or a
 * {@link ProtocolException}, nothing else. Whatever it accepts is canonical: encoding the result gives back exactly
 * the input bytes, so no two byte strings decode to the same frame. The properties are static methods of a
 * {@link WireCodec} so that {@code PropertiesCatchPlantedBugsTest} can show each of them failing against a broken
 * codec.
 */
class FrameCodecRobustnessTest {

    @Test
    void randomBytesDecodeOrFailWithProtocolException() {
        randomBytesDecodeOrFailWithProtocolException(WireCodec.real());
    }

    @Test
    void everyProperPrefixIsTruncatedUnlessItIsAShorterBody() {
        everyProperPrefixIsTruncatedUnlessItIsAShorterBody(WireCodec.real());
    }

    @Test
    void singleByteMutationsDecodeOrFailWithProtocolException() {
        singleByteMutationsDecodeOrFailWithProtocolException(WireCodec.real());
    }

    @Test
    void byteBufferEntryPointAgreesWithTheArrayOne() {
        byteBufferEntryPointAgreesWithTheArrayOne(WireCodec.real());
    }

    static void randomBytesDecodeOrFailWithProtocolException(WireCodec codec) {
        Pbt.Outcomes outcomes = new Pbt.Outcomes();
        Pbt.check(3000, garbage(), bytes -> outcomes.add(decodeCanonicallyOrReject(codec, bytes)));
        outcomes.assertAbove("decoded", 1);
        outcomes.assertAbove(ProtocolException.Reason.TRUNCATED, 1);
        outcomes.assertAbove(ProtocolException.Reason.BAD_FIELD, 1);
        outcomes.assertAbove(ProtocolException.Reason.UNKNOWN_TYPE, 1);
    }

    /**
     * A cut-off frame is refused as TRUNCATED. The exception is a body frame: its payload has no length field, so a
     * prefix of at least the 6-byte frame header is itself a valid, shorter body frame, and must decode as exactly
     * that.
     */
    static void everyProperPrefixIsTruncatedUnlessItIsAShorterBody(WireCodec codec) {
        Pbt.check(300, smallFrames(), frame -> {
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
        });
    }

    /** One byte of a valid frame xor-ed with a non-zero value, half of the time within its first 16 bytes. */
    record Mutation(Frame frame, int position, boolean nearTheStart, int xor) {
    }

    static void singleByteMutationsDecodeOrFailWithProtocolException(WireCodec codec) {
        Gen<Mutation> mutations = smallFrames().zip(range(0, 1 << 20), booleans(), range(1, 255), Mutation::new);
        Pbt.Outcomes outcomes = new Pbt.Outcomes();
        Pbt.check(2000, mutations, mutation -> {
            byte[] bytes = codec.encode(mutation.frame());
            // Most frames are mostly payload; aim half of the mutations at the header and length fields.
            int index = mutation.position() % (mutation.nearTheStart() ? Math.min(bytes.length, 16) : bytes.length);
            bytes[index] ^= (byte) mutation.xor();
            Object outcome = decodeCanonicallyOrReject(codec, bytes);
            if (outcome.equals("decoded")) {
                assertThat(codec.decode(bytes)).isNotEqualTo(mutation.frame());
            }
            outcomes.add(outcome);
        });
        outcomes.assertAbove("decoded", 5);
    }

    /** The same bytes through the ByteBuffer entry point, at a non-zero position, read-only: same answer. */
    static void byteBufferEntryPointAgreesWithTheArrayOne(WireCodec codec) {
        Pbt.check(300, smallFrames(), frame -> {
            byte[] bytes = codec.encode(frame);
            ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 3).position(3).put(bytes).position(3)
                    .asReadOnlyBuffer();
            assertThat(codec.decode(buffer)).isEqualTo(frame);
            assertThat(buffer.hasRemaining()).isFalse();
        });
    }

    /**
     * Returns "decoded" when the bytes decode (and then re-encode to exactly themselves) or the rejection reason.
     * Any other exception escapes and fails the property.
     */
    private static Object decodeCanonicallyOrReject(WireCodec codec, byte[] bytes) {
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

    static Gen<Frame> smallFrames() {
        return FrameGenerators.frames(2048);
    }

    /**
     * Uniformly random bytes find little beyond "unknown type", so most of the input looks like a frame header of a
     * known type (with plausible and implausible flags and stream ids) followed by random or nearly valid payload.
     */
    static Gen<byte[]> garbage() {
        Gen<byte[]> random = byteArrays(0, 64);
        Gen<byte[]> mutatedFrame = FrameGenerators.frames(64).zip(range(0, 1 << 20),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0), (frame, at, value) -> {
                    byte[] bytes = new FrameCodec().encode(frame);
                    bytes[at % bytes.length] = value;
                    return bytes;
                });
        List<Byte> known = FrameGenerators.knownWireTypes();
        List<Integer> unknown = IntStream.range(0, 256).filter(b -> !known.contains((byte) b)).boxed().toList();
        Gen<byte[]> framed = frequency(
                Pair.of(10, pick(known).map(b -> b & 0xFF)),
                Pair.of(1, pick(unknown)))
                .zip(frequency(Pair.of(6, pick(List.of(0, 1))), Pair.of(1, range(0, 255))),
                        frequency(Pair.of(3, range(0, 3)), Pair.of(1, integers().all())),
                        byteArrays(0, 48), (type, flags, stream, payload) -> {
                            ByteBuffer b = ByteBuffer.allocate(TunnelProtocol.FRAME_HEADER_BYTES + payload.length);
                            return b.put(type.byteValue()).put(flags.byteValue()).putInt(stream).put(payload)
                                    .array();
                        });
        Gen<byte[]> oversized = range(FrameLimits.DEFAULT.maxMessageBytes() - 1,
                FrameLimits.DEFAULT.maxMessageBytes() + 2).map(n -> {
                    byte[] bytes = new byte[n];
                    bytes[0] = FrameCodec.RESPONSE_BODY;
                    bytes[5] = 1;
                    return bytes;
                });
        return frequency(Pair.of(3, random), Pair.of(4, framed), Pair.of(4, mutatedFrame), Pair.of(1, oversized))
                .describedAs(FrameGenerators::hex);
    }
}
