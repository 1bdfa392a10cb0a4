package dev.localbridge.protocol;

import static dev.localbridge.protocol.ProtocolException.Reason.BAD_FIELD;
import static dev.localbridge.protocol.ProtocolException.Reason.BAD_FLAGS;
import static dev.localbridge.protocol.ProtocolException.Reason.BAD_STREAM_ID;
import static dev.localbridge.protocol.ProtocolException.Reason.OVERSIZED;
import static dev.localbridge.protocol.ProtocolException.Reason.TRAILING_BYTES;
import static dev.localbridge.protocol.ProtocolException.Reason.TRUNCATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two frames of protocol version 2, Hello (0x0C) and Accept (0x0D): their exact bytes, round trips at the limits,
 * and one rejection per rule of the decoder and the encoder.
 */
class HelloAcceptCodecTest {

    private final FrameCodec codec = new FrameCodec();

    private static Wire hello(int version, String... names) {
        Wire w = Wire.frame(0x0C, 0, 0).u16(version).u8(names.length);
        for (String name : names) {
            w.str8(name);
        }
        return w;
    }

    private static String name(int length) {
        return "a".repeat(length);
    }

    private static List<String> names(int count) {
        return IntStream.range(0, count).mapToObj(i -> "cap-" + i).toList();
    }

    private void assertRejected(byte[] message, ProtocolException.Reason reason) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(message));
        assertThat(e).as("decoding %s", HexFormat.ofDelimiter(" ").formatHex(message)).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    }

    private void assertRoundTrips(Frame frame) throws ProtocolException {
        byte[] bytes = codec.encode(frame);
        assertThat(codec.decode(bytes)).isEqualTo(frame);
        assertThat(codec.encode(codec.decode(bytes))).as("canonical").isEqualTo(bytes);
    }

    // ------------------------------------------------------------------ exact bytes

    @Test
    void helloHasTheDocumentedLayout() throws ProtocolException {
        Frame.Hello hello = new Frame.Hello(2, List.of("accept", "token-renewal"));
        byte[] expected = HexFormat.ofDelimiter(" ").parseHex(
                "0c 00 00 00 00 00 00 02 02 06 61 63 63 65 70 74 0d 74 6f 6b 65 6e 2d 72 65 6e 65 77 61 6c");
        assertThat(codec.encode(hello)).isEqualTo(expected);
        assertThat(codec.decode(expected)).isEqualTo(hello);
        assertThat(((Frame.Hello) codec.decode(expected)).has("accept")).isTrue();
    }

    @Test
    void acceptIsSixBytes() throws ProtocolException {
        byte[] expected = HexFormat.ofDelimiter(" ").parseHex("0d 00 00 00 00 07");
        assertThat(codec.encode(new Frame.Accept(7))).isEqualTo(expected);
        assertThat(codec.decode(expected)).isEqualTo(new Frame.Accept(7));
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void helloRoundTripsFromNothingToEveryLimit() throws ProtocolException {
        assertRoundTrips(new Frame.Hello(2, List.of()));
        assertRoundTrips(new Frame.Hello(1, List.of("a")));
        assertRoundTrips(new Frame.Hello(0xFFFF, List.of("z9.-", "x")));
        assertRoundTrips(new Frame.Hello(2, List.of(name(TunnelProtocol.MAX_CAPABILITY_BYTES))));
        assertRoundTrips(new Frame.Hello(2, names(TunnelProtocol.MAX_CAPABILITIES)));
    }

    @Test
    void capabilityOrderIsKept() throws ProtocolException {
        Frame.Hello hello = (Frame.Hello) codec.decode(codec.encode(new Frame.Hello(2, List.of("b", "a", "c"))));
        assertThat(hello.capabilities()).containsExactly("b", "a", "c");
    }

    @Test
    void acceptRoundTripsAtTheEndsOfTheStreamIdRange() throws ProtocolException {
        assertRoundTrips(new Frame.Accept(1));
        assertRoundTrips(new Frame.Accept(Integer.MAX_VALUE));
    }

    // ------------------------------------------------------------------ decoder rules

    @Test
    void handBuiltHelloDecodes() throws ProtocolException {
        assertThat(codec.decode(hello(2, "accept").build())).isEqualTo(new Frame.Hello(2, List.of("accept")));
    }

    @Test
    void helloIsAConnectionFrame() {
        assertRejected(Wire.frame(0x0C, 0, 1).u16(2).u8(0).build(), BAD_STREAM_ID);
    }

    @Test
    void helloHasNoFlags() {
        assertRejected(Wire.frame(0x0C, 1, 0).u16(2).u8(0).build(), BAD_FLAGS);
    }

    @Test
    void helloVersionZeroIsRefused() {
        assertRejected(hello(0).build(), BAD_FIELD);
    }

    @Test
    void moreCapabilitiesThanTheLimitAreOversizedBeforeAnyIsRead() {
        assertRejected(Wire.frame(0x0C, 0, 0).u16(2).u8(TunnelProtocol.MAX_CAPABILITIES + 1).build(), OVERSIZED);
    }

    @Test
    void aCapabilityNameAboveTheLimitIsOversized() {
        assertRejected(hello(2, name(TunnelProtocol.MAX_CAPABILITY_BYTES + 1)).build(), OVERSIZED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Accept", "9lives", "-x", "a b", "a_b", "a/b", "caf\u00e9", "a\u0000"})
    void capabilityNamesOutsideTheCharsetAreRefused(String bad) {
        assertRejected(hello(2, "accept", bad).build(), BAD_FIELD);
    }

    @Test
    void aCapabilityNameThatIsNotUtf8IsRefused() {
        assertRejected(Wire.frame(0x0C, 0, 0).u16(2).u8(1).u8(2).bytes(0xC0, 0x80).build(), BAD_FIELD);
    }

    @Test
    void aCapabilityAnnouncedTwiceIsRefused() {
        assertRejected(hello(2, "accept", "x", "accept").build(), BAD_FIELD);
    }

    @Test
    void everyProperPrefixOfAHelloIsTruncated() {
        byte[] bytes = codec.encode(new Frame.Hello(2, List.of("accept", "token-renewal")));
        for (int length = 0; length < bytes.length; length++) {
            assertRejected(Arrays.copyOf(bytes, length), TRUNCATED);
        }
    }

    @Test
    void bytesAfterTheLastCapabilityAreTrailing() {
        assertRejected(hello(2, "accept").u8(0).build(), TRAILING_BYTES);
    }

    @Test
    void acceptIsAStreamFrameWithoutFlagsOrPayload() {
        assertRejected(Wire.frame(0x0D, 0, 0).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x0D, 0, -1).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x0D, 1, 1).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x0D, 0, 1).u8(0).build(), TRAILING_BYTES);
        assertRejected(Arrays.copyOf(codec.encode(new Frame.Accept(1)), 5), TRUNCATED);
    }

    // ------------------------------------------------------------------ encoder refusals

    @Test
    void encoderRefusesWhatTheDecoderWouldReject() {
        assertThatThrownBy(() -> codec.encode(new Frame.Hello(0, List.of())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encode(new Frame.Hello(0x10000, List.of())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encode(new Frame.Hello(2, names(TunnelProtocol.MAX_CAPABILITIES + 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encode(new Frame.Hello(2, List.of(name(TunnelProtocol.MAX_CAPABILITY_BYTES
                + 1))))).isInstanceOf(IllegalArgumentException.class);
        for (String bad : List.of("", "Accept", "caf\u00e9", "a b", "\uD83D")) {
            assertThatThrownBy(() -> codec.encode(new Frame.Hello(2, List.of(bad))))
                    .as("capability %s", bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> codec.encode(new Frame.Hello(2, List.of("a", "a"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encode(new Frame.Accept(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.encode(new Frame.Accept(-5))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void helloCapabilitiesAreAnImmutableCopy() {
        List<String> names = new ArrayList<>(List.of("accept"));
        Frame.Hello hello = new Frame.Hello(2, names);
        names.add("later");
        assertThat(hello.capabilities()).containsExactly("accept");
        assertThatThrownBy(() -> hello.capabilities().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
