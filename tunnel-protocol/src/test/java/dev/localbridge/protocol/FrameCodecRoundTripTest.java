package dev.localbridge.protocol;

import static dev.localbridge.protocol.FrameGenerators.anyChar;
import static dev.localbridge.protocol.FrameGenerators.chars;
import static dev.localbridge.protocol.FrameGenerators.frequency;
import static dev.localbridge.protocol.FrameGenerators.lists;
import static dev.localbridge.protocol.FrameGenerators.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.quicktheories.generators.Generate.booleans;
import static org.quicktheories.generators.Generate.pick;
import static org.quicktheories.generators.Generate.range;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;

import dev.localbridge.protocol.FrameGenerators.FrameType;

/**
 * Every valid frame survives encode then decode unchanged, and the encoder never emits what the decoder refuses.
 * The properties are static methods of a {@link WireCodec} so that {@code PropertiesCatchPlantedBugsTest} can show each
 * of them failing against a broken codec.
 */
class FrameCodecRoundTripTest {

    /** One round-trip property per entry of {@link FrameGenerators#frameTypes}, with that entry's example count. */
    @TestFactory
    Stream<DynamicTest> everyFrameTypeRoundTrips() {
        return FrameGenerators.frameTypes(TunnelProtocol.MAX_CHUNK_BYTES).stream()
                .map(type -> dynamicTest(type.type().getSimpleName() + " round-trips",
                        () -> roundTrips(WireCodec.real(), type)));
    }

    /** A frame record without a generator would be missing from every property, silently. */
    @Test
    void everyFrameRecordHasAGeneratorAndItsOwnTypeByte() {
        List<FrameType<?>> types = FrameGenerators.frameTypes(0);
        assertThat(types.stream().<Class<?>>map(FrameType::type).toList())
                .as("FrameGenerators.frameTypes must list every Frame record")
                .containsExactlyInAnyOrder(Frame.class.getPermittedSubclasses());
        assertThat(types).extracting(FrameType::wireType).doesNotHaveDuplicates();
        FrameCodec codec = new FrameCodec();
        for (FrameType<?> type : types) {
            Pbt.check(5, type.frames(), frame -> assertThat(codec.encode(frame)[0]).isEqualTo(type.wireType()));
        }
    }

    @Test
    void encoderRefusesWhatTheDecoderWouldNotGiveBack() {
        encoderRefusesWhatTheDecoderWouldNotGiveBack(WireCodec.real());
    }

    static <F extends Frame> void roundTrips(WireCodec codec, FrameType<F> type) {
        Pbt.check(type.examples(), type.frames(), frame -> {
            byte[] bytes = codec.encode(frame);
            Frame decoded = codec.decode(bytes);
            assertThat(decoded).isEqualTo(frame);
            assertThat(decoded.streamId()).isEqualTo(frame.streamId());
            assertThat(codec.encode(decoded)).isEqualTo(bytes);
        });
    }

    /**
     * Frames built from arbitrary strings (spaces, CR/LF, unpaired surrogates, non-tokens) and sizes around every
     * limit: the encoder either refuses them or produces bytes that decode to the same frame. Never bytes the peer
     * would reject, never a silently altered frame.
     */
    static void encoderRefusesWhatTheDecoderWouldNotGiveBack(WireCodec codec) {
        Pbt.Outcomes outcomes = new Pbt.Outcomes();
        Pbt.check(400, wildHeads(), frame -> {
            byte[] bytes;
            try {
                bytes = codec.encode(frame);
            } catch (IllegalArgumentException refused) {
                outcomes.add("refused");
                return;
            }
            outcomes.add("encoded");
            assertThat(codec.decode(bytes)).isEqualTo(frame);
        });
        outcomes.assertAbove("refused", 20);
        outcomes.assertAbove("encoded", 10);
    }

    static Gen<Frame> wildHeads() {
        Gen<Integer> streamIds = frequency(
                Pair.of(6, FrameGenerators.streamIds()),
                Pair.of(1, pick(List.of(0, -1, Integer.MIN_VALUE))));
        Gen<Frame> requests = streamIds.zip(wildStrings(300), wildTargets(), wildHeaders(), booleans(),
                Frame.RequestHead::new);
        Gen<Frame> responses = streamIds.zip(range(0, 1100), wildHeaders(), booleans(), Frame.ResponseHead::new);
        return FrameGenerators.oneOf(List.of(requests, responses));
    }

    /** Valid tokens half of the time; otherwise any chars, including separators, controls and lone surrogates. */
    private static Gen<String> wildStrings(int maxLength) {
        return frequency(
                Pair.of(4, FrameGenerators.tokens(20)),
                Pair.of(1, strings(pick(chars(" \t\r\n\0:/\u00e9\u20ac\uD83D\uDE00\uD800\uDC00")), 0, 8)
                        .map(s -> "X" + s)),
                Pair.of(1, strings(anyChar(), 0, maxLength)),
                Pair.of(1, range(250, 260).map("m"::repeat)));
    }

    private static Gen<String> wildTargets() {
        return frequency(
                Pair.of(4, FrameGenerators.targets()),
                Pair.of(1, wildStrings(40)),
                Pair.of(1, wildStrings(40).map(s -> "/" + s)),
                Pair.of(1, range(16370, 16400).map(n -> "/" + "p".repeat(n - 1))),
                Pair.of(1, range(5450, 5470).map(n -> "/" + "\u20ac".repeat(n))));
    }

    private static Gen<List<Header>> wildHeaders() {
        Gen<Header> small = wildStrings(20).zip(frequency(
                Pair.of(4, FrameGenerators.headerValues()),
                Pair.of(1, wildStrings(20))), Header::new);
        Gen<List<Header>> few = lists(small, 0, 6);
        Gen<List<Header>> many = range(195, 205).map(n -> repeat(new Header("a", "b"), n));
        Gen<List<Header>> huge = range(1, 4).zip(range(15_000, 70_000), pick(List.of("v", "\u00e9", "\u20ac",
                "\uD83D\uDE00")), (count, bytes, unit) -> repeat(
                        new Header("x", unit.repeat(bytes / unit.getBytes(StandardCharsets.UTF_8).length / count)),
                        count));
        return frequency(Pair.of(4, few), Pair.of(1, many), Pair.of(2, huge));
    }

    private static List<Header> repeat(Header header, int count) {
        List<Header> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            headers.add(header);
        }
        return headers;
    }
}
