package dev.localbridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.localbridge.protocol.FrameGenerators.FrameType;

/**
 * Each property of {@link FrameCodecRoundTripTest} and {@link FrameCodecRobustnessTest}, run against a codec with one
 * planted bug, must report a falsified property with a shrunk counterexample. A property that passes here has become
 * vacuous (a generator that no longer reaches the broken case, an assertion that no longer looks): the properties
 * cannot silently stop testing.
 */
class PropertiesCatchPlantedBugsTest {

    /**
     * A property run against a codec with one bug; {@code counterexample} is a regular expression the start of the
     * reported smallest value must match, {@code cause} a text its failure must contain. Both hold for any seed.
     */
    record PlantedBug(String property, String bug, ThrowingCallable run, String counterexample, String cause) {
    }

    /** Enough to shrink every counterexample below to its frame type; the smallest one is not the point here. */
    private static final int SHRINK_CYCLES = 2_000;

    private static final String SMALLEST = "Smallest found falsifying value(s) :-";

    @TestFactory
    Stream<DynamicTest> everyPropertyFailsOnItsPlantedBug() {
        return plantedBugs().stream().map(planted -> dynamicTest(planted.property() + " catches: " + planted.bug(),
                () -> {
                    Throwable failure = catchThrowable(() -> Pbt.withShrinkCycles(SHRINK_CYCLES, planted.run()));
                    assertThat(failure).as("the property passed against a codec that " + planted.bug())
                            .isInstanceOf(AssertionError.class);
                    String report = failure.getMessage();
                    assertThat(report).contains("Property falsified", SMALLEST, "Seed was", planted.cause());
                    String smallest = report.substring(report.indexOf(SMALLEST) + SMALLEST.length()).strip();
                    assertThat(smallest).as(report).containsPattern("^" + planted.counterexample());
                }));
    }

    private static List<PlantedBug> plantedBugs() {
        WireCodec endTypesSwapped = encodedAs(bytes -> {
            if (bytes[0] == FrameCodec.REQUEST_END || bytes[0] == FrameCodec.RESPONSE_END) {
                bytes[0] = bytes[0] == FrameCodec.REQUEST_END ? FrameCodec.RESPONSE_END : FrameCodec.REQUEST_END;
            }
            return bytes;
        });
        return List.of(
                roundTrip(Frame.RequestHead.class, "upper-cases the method when decoding", decodedAs(f ->
                        f instanceof Frame.RequestHead h ? new Frame.RequestHead(h.streamId(),
                                h.method().toUpperCase(Locale.ROOT), h.target(), h.headers(), h.endOfStream()) : f)),
                roundTrip(Frame.RequestBody.class, "writes one body byte too few", encodedAs(bytes ->
                        bytes[0] == FrameCodec.REQUEST_BODY && bytes.length > TunnelProtocol.FRAME_HEADER_BYTES
                                ? Arrays.copyOf(bytes, bytes.length - 1) : bytes)),
                roundTrip(Frame.RequestEnd.class, "swaps the two end frame types", endTypesSwapped),
                roundTrip(Frame.ResponseHead.class, "drops the last character of the last header value",
                        decodedAs(f -> f instanceof Frame.ResponseHead h && !h.headers().isEmpty()
                                ? new Frame.ResponseHead(h.streamId(), h.status(), chopLastValue(h.headers()),
                                        h.endOfStream()) : f)),
                roundTrip(Frame.ResponseBody.class, "reads the body from one byte too far", decodedAs(f ->
                        f instanceof Frame.ResponseBody b && b.data().length > 0 ? new Frame.ResponseBody(
                                b.streamId(), Arrays.copyOfRange(b.data(), 1, b.data().length)) : f)),
                roundTrip(Frame.ResponseEnd.class, "swaps the two end frame types", endTypesSwapped),
                roundTrip(Frame.Reset.class, "writes the reason's ordinal instead of its code", encodedAs(bytes -> {
                    if (bytes[0] == FrameCodec.RESET) {
                        ByteBuffer.wrap(bytes).putShort(6, (short) (ByteBuffer.wrap(bytes).getShort(6) - 1));
                    }
                    return bytes;
                })),
                roundTrip(Frame.WindowUpdate.class, "reads the increment as 16 bits", decodedAs(f ->
                        f instanceof Frame.WindowUpdate w
                                ? new Frame.WindowUpdate(w.streamId(), w.increment() & 0xFFFF) : f)),
                roundTrip(Frame.Ping.class, "narrows the payload to an int", decodedAs(f ->
                        f instanceof Frame.Ping p ? new Frame.Ping((int) p.payload()) : f)),
                roundTrip(Frame.Pong.class, "decodes a pong as a ping", decodedAs(f ->
                        f instanceof Frame.Pong p ? new Frame.Ping(p.payload()) : f)),
                roundTrip(Frame.GoAway.class, "decodes the message as ISO-8859-1", decodedAs(f ->
                        f instanceof Frame.GoAway g ? new Frame.GoAway(g.reason(), new String(
                                g.message().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)) : f)),
                new PlantedBug("encoderRefusesWhatTheDecoderWouldNotGiveBack",
                        "sends an unpaired surrogate as '?' instead of refusing the frame",
                        () -> FrameCodecRoundTripTest.encoderRefusesWhatTheDecoderWouldNotGiveBack(
                                surrogatesSentAsQuestionMarks()),
                        "(Request|Response)Head\\[", ""),
                new PlantedBug("randomBytesDecodeOrFailWithProtocolException",
                        "lets an unknown reset reason escape as ArrayIndexOutOfBoundsException",
                        () -> FrameCodecRobustnessTest.randomBytesDecodeOrFailWithProtocolException(
                                unknownResetReasonOutOfBounds()),
                        "\\d+ bytes \\[07 ", "ArrayIndexOutOfBoundsException"),
                new PlantedBug("everyProperPrefixIsTruncatedUnlessItIsAShorterBody",
                        "pads a short ping payload with zeros",
                        () -> FrameCodecRobustnessTest.everyProperPrefixIsTruncatedUnlessItIsAShorterBody(
                                shortPingsPadded()),
                        "Ping\\[", "prefix of"),
                new PlantedBug("singleByteMutationsDecodeOrFailWithProtocolException",
                        "ignores unknown flags on end frames",
                        () -> FrameCodecRobustnessTest.singleByteMutationsDecodeOrFailWithProtocolException(
                                endFrameFlagsIgnored()),
                        "Mutation\\[frame=(Request|Response)End\\[", "re-encoding of"),
                new PlantedBug("byteBufferEntryPointAgreesWithTheArrayOne",
                        "reads a ByteBuffer from index 0 instead of its position",
                        () -> FrameCodecRobustnessTest.byteBufferEntryPointAgreesWithTheArrayOne(
                                bufferReadFromIndexZero()),
                        "", "UNKNOWN_TYPE"));
    }

    private static PlantedBug roundTrip(Class<? extends Frame> type, String bug, WireCodec codec) {
        FrameType<?> frameType = FrameGenerators.frameTypes(TunnelProtocol.MAX_CHUNK_BYTES).stream()
                .filter(t -> t.type() == type).findFirst().orElseThrow();
        return new PlantedBug(type.getSimpleName() + " round-trips", bug,
                () -> FrameCodecRoundTripTest.roundTrips(codec, frameType), type.getSimpleName() + "\\[", "");
    }

    // ---------------------------------------------------------------- the broken codecs

    /** The real codec, with every decoded frame passed through {@code corrupt}. */
    private static WireCodec decodedAs(UnaryOperator<Frame> corrupt) {
        return new Decorated() {
            @Override
            public Frame decode(byte[] message) throws ProtocolException {
                return corrupt.apply(real.decode(message));
            }

            @Override
            public Frame decode(ByteBuffer message) throws ProtocolException {
                return corrupt.apply(real.decode(message));
            }
        };
    }

    /** The real codec, with every encoded frame passed through {@code corrupt}. */
    private static WireCodec encodedAs(UnaryOperator<byte[]> corrupt) {
        return new Decorated() {
            @Override
            public byte[] encode(Frame frame) {
                return corrupt.apply(real.encode(frame));
            }
        };
    }

    private static List<Header> chopLastValue(List<Header> headers) {
        Header last = headers.getLast();
        String value = last.value().isEmpty() ? last.value() : last.value().substring(0, last.value().length() - 1);
        List<Header> chopped = new ArrayList<>(headers.subList(0, headers.size() - 1));
        chopped.add(new Header(last.name(), value));
        return chopped;
    }

    /** What {@code String.getBytes(UTF_8)} does to a lone surrogate, where the real encoder refuses the frame. */
    private static WireCodec surrogatesSentAsQuestionMarks() {
        return new Decorated() {
            @Override
            public byte[] encode(Frame frame) {
                try {
                    return real.encode(frame);
                } catch (IllegalArgumentException refused) {
                    if (frame instanceof Frame.RequestHead h) {
                        return real.encode(new Frame.RequestHead(h.streamId(), lossy(h.method()), lossy(h.target()),
                                lossy(h.headers()), h.endOfStream()));
                    }
                    if (frame instanceof Frame.ResponseHead h) {
                        return real.encode(new Frame.ResponseHead(h.streamId(), h.status(), lossy(h.headers()),
                                h.endOfStream()));
                    }
                    throw refused;
                }
            }

            private static String lossy(String s) {
                return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            }

            private static List<Header> lossy(List<Header> headers) {
                return headers.stream().map(h -> new Header(lossy(h.name()), lossy(h.value()))).toList();
            }
        };
    }

    /** A decoder that would index {@code ResetReason.values()} with the wire code. */
    private static WireCodec unknownResetReasonOutOfBounds() {
        return new Decorated() {
            @Override
            public Frame decode(byte[] message) throws ProtocolException {
                try {
                    return real.decode(message);
                } catch (ProtocolException e) {
                    if (e.reason() == ProtocolException.Reason.BAD_FIELD && message[0] == FrameCodec.RESET) {
                        int code = ByteBuffer.wrap(message).getShort(TunnelProtocol.FRAME_HEADER_BYTES) & 0xFFFF;
                        throw new ArrayIndexOutOfBoundsException(
                                "Index " + (code - 1) + " out of bounds for length " + ResetReason.values().length);
                    }
                    throw e;
                }
            }
        };
    }

    /** A decoder that reads a ping's 8-byte payload from a zero-filled buffer instead of checking its length. */
    private static WireCodec shortPingsPadded() {
        return new Decorated() {
            @Override
            public Frame decode(byte[] message) throws ProtocolException {
                int full = TunnelProtocol.FRAME_HEADER_BYTES + Long.BYTES;
                if (message.length >= TunnelProtocol.FRAME_HEADER_BYTES && message.length < full
                        && message[0] == FrameCodec.PING) {
                    return real.decode(Arrays.copyOf(message, full));
                }
                return real.decode(message);
            }
        };
    }

    /** A decoder that checks the flags of head frames only. */
    private static WireCodec endFrameFlagsIgnored() {
        return new Decorated() {
            @Override
            public Frame decode(byte[] message) throws ProtocolException {
                if (message.length > 1 && (message[0] == FrameCodec.REQUEST_END
                        || message[0] == FrameCodec.RESPONSE_END)) {
                    byte[] cleared = message.clone();
                    cleared[1] = 0;
                    return real.decode(cleared);
                }
                return real.decode(message);
            }
        };
    }

    private static WireCodec bufferReadFromIndexZero() {
        return new Decorated() {
            @Override
            public Frame decode(ByteBuffer message) throws ProtocolException {
                byte[] bytes = new byte[message.limit()];
                message.get(0, bytes);
                message.position(message.limit());
                return real.decode(bytes);
            }
        };
    }

    /** The real codec; a planted bug overrides the one step it breaks. */
    private static class Decorated implements WireCodec {

        final WireCodec real = WireCodec.real();

        @Override
        public byte[] encode(Frame frame) {
            return real.encode(frame);
        }

        @Override
        public Frame decode(byte[] message) throws ProtocolException {
            return real.decode(message);
        }

        @Override
        public Frame decode(ByteBuffer message) throws ProtocolException {
            return real.decode(message);
        }
    }
}
