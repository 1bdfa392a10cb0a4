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

import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token renewal frames, Renew (0x0E) and Renewed (0x0F): the exact bytes of docs/protocol.md, round trips at the
 * limits, one rejection per rule of the decoder and the encoder, and a Renew that never shows its token.
 */
class RenewCodecTest {

    private static final long NEW_YEAR_2026 = 1_767_225_600L;

    private final FrameCodec codec = new FrameCodec();

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

    private static byte[] hex(String dump) {
        return HexFormat.of().parseHex(dump.replaceAll("\\s+", ""));
    }

    // ------------------------------------------------------------------ exact bytes (docs/protocol.md)

    @Test
    void renewHasTheDocumentedLayout() throws ProtocolException {
        byte[] documented = hex("0e 00 00 00 00 00 00 05 61 2e 62 2e 63");
        assertThat(codec.encode(new Frame.Renew("a.b.c"))).isEqualTo(documented);
        assertThat(codec.decode(documented)).isEqualTo(new Frame.Renew("a.b.c"));
    }

    @Test
    void renewedHasTheDocumentedLayout() throws ProtocolException {
        byte[] accepted = hex("0f 00 00 00 00 00 00 00 00 00 00 00 69 55 b9 00 00 00");
        assertThat(codec.encode(new Frame.Renewed(RenewResult.ACCEPTED, NEW_YEAR_2026, ""))).isEqualTo(accepted);
        assertThat(codec.decode(accepted)).isEqualTo(new Frame.Renewed(RenewResult.ACCEPTED, NEW_YEAR_2026, ""));

        byte[] refused = hex("""
                0f 00 00 00 00 00 00 03 00 00 00 00 69 55 b9 00
                00 0c 61 6e 6f 74 68 65 72 20 75 73 65 72""");
        Frame.Renewed otherUser = new Frame.Renewed(RenewResult.OTHER_USER, NEW_YEAR_2026, "another user");
        assertThat(codec.encode(otherUser)).isEqualTo(refused);
        assertThat(codec.decode(refused)).isEqualTo(otherUser);
    }

    @Test
    void resultCodesAreStable() {
        assertThat(Arrays.stream(RenewResult.values()).mapToInt(RenewResult::code)).containsExactly(0, 1, 2, 3, 4);
        assertThat(RenewResult.ACCEPTED.accepted()).isTrue();
        assertThat(Arrays.stream(RenewResult.values()).filter(RenewResult::accepted)).hasSize(1);
        assertThat(RenewResult.fromCode(5)).isNull();
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void renewRoundTripsFromOneCharacterToTheLimit() throws ProtocolException {
        assertRoundTrips(new Frame.Renew("x"));
        assertRoundTrips(new Frame.Renew("!~" + "a".repeat(TunnelProtocol.MAX_TOKEN_BYTES - 2)));
    }

    @Test
    void renewedRoundTripsEveryResultAndTheEndsOfTheValidity() throws ProtocolException {
        for (RenewResult result : RenewResult.values()) {
            assertRoundTrips(new Frame.Renewed(result, 0, "t\u00e9xt"));
            assertRoundTrips(new Frame.Renewed(result, Long.MAX_VALUE, ""));
        }
    }

    @Test
    void aRenewedTextAboveTheLimitIsCutNotRefused() throws ProtocolException {
        String longText = "r".repeat(FrameLimits.DEFAULT.maxReasonBytes() + 10);
        Frame.Renewed decoded = (Frame.Renewed) codec.decode(codec.encode(new Frame.Renewed(RenewResult.BUSY, 1,
                longText)));
        assertThat(decoded.message()).hasSize(FrameLimits.DEFAULT.maxReasonBytes());
    }

    // ------------------------------------------------------------------ decoder rules

    @Test
    void bothAreConnectionFramesWithoutFlags() {
        assertRejected(Wire.frame(0x0E, 0, 1).str16("a.b.c").build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x0E, 1, 0).str16("a.b.c").build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x0F, 0, 1).u16(0).u64(1).u16(0).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x0F, 1, 0).u16(0).u64(1).u16(0).build(), BAD_FLAGS);
    }

    @Test
    void aTokenAboveTheLimitIsOversizedBeforeItIsRead() {
        assertRejected(Wire.frame(0x0E, 0, 0).u16(TunnelProtocol.MAX_TOKEN_BYTES + 1).build(), OVERSIZED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a\tb", "a\u007fb", "caf\u00e9", "a\u0000"})
    void aTokenThatIsNotVisibleAsciiIsRefused(String bad) {
        assertRejected(Wire.frame(0x0E, 0, 0).str16(bad).build(), BAD_FIELD);
    }

    @Test
    void anUnknownResultOrANegativeValidityIsRefused() {
        assertRejected(Wire.frame(0x0F, 0, 0).u16(5).u64(1).u16(0).build(), BAD_FIELD);
        assertRejected(Wire.frame(0x0F, 0, 0).u16(0).u64(-1).u16(0).build(), BAD_FIELD);
    }

    @Test
    void aRenewedTextAboveTheLimitIsOversized() {
        assertRejected(Wire.frame(0x0F, 0, 0).u16(1).u64(1).u16(FrameLimits.DEFAULT.maxReasonBytes() + 1).build(),
                OVERSIZED);
    }

    @Test
    void everyProperPrefixIsTruncatedAndEveryExtraByteTrailing() {
        for (Frame frame : new Frame[] {new Frame.Renew("a.b.c"),
                new Frame.Renewed(RenewResult.INVALID_TOKEN, 5, "bad")}) {
            byte[] bytes = codec.encode(frame);
            for (int length = 0; length < bytes.length; length++) {
                assertRejected(Arrays.copyOf(bytes, length), TRUNCATED);
            }
            assertRejected(Arrays.copyOf(bytes, bytes.length + 1), TRAILING_BYTES);
        }
    }

    // ------------------------------------------------------------------ encoder refusals and logs

    @Test
    void encoderRefusesWhatTheDecoderWouldReject() {
        for (String bad : new String[] {"", "a b", "caf\u00e9", "\uD83D", "a".repeat(TunnelProtocol.MAX_TOKEN_BYTES
                + 1)}) {
            assertThatThrownBy(() -> codec.encode(new Frame.Renew(bad))).as("token %.20s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> codec.encode(new Frame.Renewed(RenewResult.ACCEPTED, -1, "")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRenewNeverShowsItsToken() {
        assertThat(new Frame.Renew("secret.jwt.value")).hasToString("Renew[token=16 chars]");
    }
}
