package dev.localbridge.protocol;

import static dev.localbridge.protocol.ProtocolException.Reason.BAD_FIELD;
import static dev.localbridge.protocol.ProtocolException.Reason.BAD_FLAGS;
import static dev.localbridge.protocol.ProtocolException.Reason.BAD_STREAM_ID;
import static dev.localbridge.protocol.ProtocolException.Reason.OVERSIZED;
import static dev.localbridge.protocol.ProtocolException.Reason.TRAILING_BYTES;
import static dev.localbridge.protocol.ProtocolException.Reason.TRUNCATED;
import static dev.localbridge.protocol.ProtocolException.Reason.UNKNOWN_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per rule of the decoder. Each malformed message differs from a valid one (checked by the baseline tests)
 * in the one field under test, so a rejection cannot come from some other, accidental defect.
 */
class FrameDecoderRejectionTest {

    private final FrameCodec codec = new FrameCodec();

    // ------------------------------------------------------------------ valid baselines

    private static Wire requestHead(int flags, int streamId, String method, String target) {
        return Wire.frame(0x01, flags, streamId).str8(method).str16(target);
    }

    private static byte[] requestHeadWithHeader(String name, String value) {
        return requestHead(0, 1, "GET", "/").u16(1).str8(name).str16(value).build();
    }

    private static Wire responseHead(int status) {
        return Wire.frame(0x04, 0, 1).u16(status);
    }

    @Test
    void handBuiltBaselinesDecode() throws ProtocolException {
        assertThat(codec.decode(requestHead(1, 7, "GET", "/api/tags?x=1").u16(0).build()))
                .isEqualTo(new Frame.RequestHead(7, "GET", "/api/tags?x=1", List.of(), true));
        assertThat(codec.decode(requestHeadWithHeader("X-Name", "caf\u00e9 \uD83D\uDE00\t1")))
                .isEqualTo(new Frame.RequestHead(1, "GET", "/", List.of(new Header("X-Name",
                        "caf\u00e9 \uD83D\uDE00\t1")), false));
        assertThat(codec.decode(responseHead(200).u16(0).build()))
                .isEqualTo(new Frame.ResponseHead(1, 200, List.of(), false));
        assertThat(codec.decode(Wire.frame(0x07, 0, 3).u16(1).str16("bye").build()))
                .isEqualTo(new Frame.Reset(3, ResetReason.CANCEL, "bye"));
        assertThat(codec.decode(Wire.frame(0x08, 0, 3).u32(1).build())).isEqualTo(new Frame.WindowUpdate(3, 1));
        assertThat(codec.decode(Wire.frame(0x09, 0, 0).u64(-1L).build())).isEqualTo(new Frame.Ping(-1L));
        assertThat(codec.decode(Wire.frame(0x0B, 0, 0).u16(1).str16("").build()))
                .isEqualTo(new Frame.GoAway(GoAwayReason.DRAINING, ""));
    }

    @Test
    void acceptsTheBoundaryStatuses() throws ProtocolException {
        assertThat(codec.decode(responseHead(100).u16(0).build())).isInstanceOf(Frame.ResponseHead.class);
        assertThat(codec.decode(responseHead(999).u16(0).build())).isInstanceOf(Frame.ResponseHead.class);
    }

    @Test
    void acceptsExactlyTheLimits() throws ProtocolException {
        FrameLimits limits = FrameLimits.DEFAULT;
        byte[] fullBody = Wire.frame(0x05, 0, 1).bytes(new byte[TunnelProtocol.MAX_CHUNK_BYTES]).build();
        assertThat(fullBody).hasSize(limits.maxMessageBytes());
        assertThat(codec.decode(fullBody)).isInstanceOf(Frame.ResponseBody.class);

        Wire many = responseHead(200).u16(limits.maxHeaderCount());
        for (int i = 0; i < limits.maxHeaderCount(); i++) {
            many.str8("a").str16("b");
        }
        assertThat(((Frame.ResponseHead) codec.decode(many.build())).headers()).hasSize(limits.maxHeaderCount());

        String target = "/" + "t".repeat(limits.maxTargetBytes() - 1);
        assertThat(codec.decode(requestHead(0, 1, "GET", target).u16(0).build())).isInstanceOf(
                Frame.RequestHead.class);

        String text = "r".repeat(limits.maxReasonBytes());
        assertThat(codec.decode(Wire.frame(0x07, 0, 1).u16(1).str16(text).build()))
                .isEqualTo(new Frame.Reset(1, ResetReason.CANCEL, text));
    }

    // ------------------------------------------------------------------ frame header

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x10, 0x11, 0x7F, 0x80, 0xFF})
    void rejectsUnknownFrameType(int type) {
        assertRejected(Wire.frame(type, 0, 1).u64(0).build(), UNKNOWN_TYPE);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void rejectsMessageShorterThanTheFrameHeader(int length) {
        byte[] header = Wire.frame(0x03, 0, 1).build();
        assertRejected(java.util.Arrays.copyOf(header, length), TRUNCATED);
    }

    @Test
    void rejectsFlagsTheFrameTypeDoesNotDefine() {
        assertRejected(requestHead(0x02, 1, "GET", "/").u16(0).build(), BAD_FLAGS);
        assertRejected(requestHead(0x81, 1, "GET", "/").u16(0).build(), BAD_FLAGS);
        assertRejected(responseHead(200).u16(0).build(), null);
        assertRejected(Wire.frame(0x04, 0x03, 1).u16(200).u16(0).build(), BAD_FLAGS);
        // END_STREAM belongs to head frames only.
        assertRejected(Wire.frame(0x02, 0x01, 1).bytes(1, 2).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x03, 0x01, 1).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x05, 0x01, 1).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x06, 0x01, 1).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x07, 0x01, 1).u16(1).u16(0).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x08, 0x01, 1).u32(1).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x09, 0x80, 0).u64(1).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x0A, 0x01, 0).u64(1).build(), BAD_FLAGS);
        assertRejected(Wire.frame(0x0B, 0x01, 0).u16(1).u16(0).build(), BAD_FLAGS);
    }

    @Test
    void rejectsStreamIdZeroOnStreamFrames() {
        assertRejected(requestHead(0, 0, "GET", "/").u16(0).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x02, 0, 0).bytes(1).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x03, 0, 0).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x04, 0, 0).u16(200).u16(0).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x05, 0, 0).bytes(1).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x06, 0, 0).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x07, 0, 0).u16(1).u16(0).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x08, 0, 0).u32(1).build(), BAD_STREAM_ID);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, Integer.MAX_VALUE, -1})
    void rejectsNonZeroStreamIdOnConnectionFrames(int streamId) {
        assertRejected(Wire.frame(0x09, 0, streamId).u64(1).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x0A, 0, streamId).u64(1).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x0B, 0, streamId).u16(1).u16(0).build(), BAD_STREAM_ID);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE})
    void rejectsNegativeStreamId(int streamId) {
        assertRejected(requestHead(0, streamId, "GET", "/").u16(0).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x05, 0, streamId).bytes(1).build(), BAD_STREAM_ID);
        assertRejected(Wire.frame(0x08, 0, streamId).u32(1).build(), BAD_STREAM_ID);
    }

    // ------------------------------------------------------------------ sizes

    @Test
    void rejectsMessageAboveTheLimit() {
        byte[] body = Wire.frame(0x05, 0, 1).bytes(new byte[TunnelProtocol.MAX_CHUNK_BYTES + 1]).build();
        assertRejected(body, OVERSIZED);

        FrameCodec small = new FrameCodec(new FrameLimits(16, 200, 1024, 1024, 64));
        assertRejected(small, Wire.frame(0x05, 0, 1).bytes(new byte[11]).build(), OVERSIZED);
    }

    @Test
    void rejectsTooManyHeaders() {
        Wire head = responseHead(200).u16(FrameLimits.DEFAULT.maxHeaderCount() + 1);
        for (int i = 0; i <= FrameLimits.DEFAULT.maxHeaderCount(); i++) {
            head.str8("a").str16("b");
        }
        assertRejected(head.build(), OVERSIZED);
        // The count alone is refused, before anything is allocated for the headers it announces.
        assertRejected(responseHead(200).u16(0xFFFF).build(), OVERSIZED);
    }

    @Test
    void rejectsHeaderBlockAboveTheLimit() {
        FrameCodec small = new FrameCodec(new FrameLimits(1024, 200, 10, 1024, 64));
        assertRejected(small, responseHead(200).u16(2).str8("ab").str16("cde").str8("fg").str16("hijk").build(),
                OVERSIZED);
        // The announced value length counts before the value is read: 1 + 101 + 1 + 65535 > 64 KiB.
        byte[] announced = responseHead(200).u16(2).str8("a").str16("v".repeat(100)).str8("b").u16(0xFFFF).build();
        ProtocolException e = assertRejected(announced, OVERSIZED);
        assertThat(e.getMessage()).contains("header block");
    }

    @Test
    void rejectsTargetAboveTheLimit() {
        String target = "/" + "t".repeat(FrameLimits.DEFAULT.maxTargetBytes());
        assertRejected(requestHead(0, 1, "GET", target).u16(0).build(), OVERSIZED);
    }

    @Test
    void rejectsReasonTextAboveTheLimit() {
        String text = "r".repeat(FrameLimits.DEFAULT.maxReasonBytes() + 1);
        assertRejected(Wire.frame(0x07, 0, 1).u16(1).str16(text).build(), OVERSIZED);
        assertRejected(Wire.frame(0x0B, 0, 0).u16(1).str16(text).build(), OVERSIZED);
    }

    @Test
    void rejectsLengthPointingPastTheEnd() {
        assertRejected(requestHead(0, 1, "GET", "/").u16(1).str8("a").u16(5).bytes('x', 'y').build(), TRUNCATED);
        assertRejected(Wire.frame(0x01, 0, 1).u8(3).bytes('G', 'E').build(), TRUNCATED);
        assertRejected(Wire.frame(0x07, 0, 1).u16(1).u16(10).bytes('x').build(), TRUNCATED);
    }

    // ------------------------------------------------------------------ field contents

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\n", "\u0000", "a\r\nInjected: yes", "end\n"})
    void rejectsCrLfOrNulInHeaderValue(String value) {
        assertRejected(requestHeadWithHeader("X-A", value), BAD_FIELD);
        assertRejected(responseHead(200).u16(1).str8("X-A").str16(value).build(), BAD_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GE T", "GET\t", "G:T", "GET/", "(GET)", "G\u00c9T", "GET\u0000"})
    void rejectsMethodThatIsNotAToken(String method) {
        assertRejected(requestHead(0, 1, method, "/").u16(0).build(), BAD_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Y", "X-Y:", "X\"Y", "X@Y", "\u00e9", "X-\u0001", "X,Y"})
    void rejectsHeaderNameThatIsNotAToken(String name) {
        assertRejected(requestHeadWithHeader(name, "v"), BAD_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "api/chat", "http://evil.example/", "*", "?x=1", " /"})
    void rejectsTargetNotStartingWithSlash(String target) {
        assertRejected(requestHead(0, 1, "GET", target).u16(0).build(), BAD_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a b", "/a\tb", "/a\rb", "/a\nb", "/a\u0000", "/\u001f", "/a\u007f", "/ "})
    void rejectsTargetWithSpaceOrControlCharacter(String target) {
        assertRejected(requestHead(0, 1, "GET", target).u16(0).build(), BAD_FIELD);
    }

    @Test
    void rejectsInvalidUtf8() {
        int[][] invalid = {
                {0xC3, 0x28},             // continuation byte missing
                {0xC0, 0xAF},             // overlong '/'
                {0xED, 0xA0, 0x80},       // UTF-16 surrogate encoded as UTF-8
                {0xF4, 0x90, 0x80, 0x80}, // above U+10FFFF
                {0xFF},                   // never valid
                {0xE2, 0x82}};            // cut-off sequence
        for (int[] bytes : invalid) {
            assertRejected(requestHead(0, 1, "GET", "/").u16(1).str8("X").u16(bytes.length).bytes(bytes).build(),
                    BAD_FIELD);
            assertRejected(requestHead(0, 1, "GET", "/").u16(1).u8(bytes.length).bytes(bytes).str16("v").build(),
                    BAD_FIELD);
            assertRejected(Wire.frame(0x01, 0, 1).str8("GET").u16(1 + bytes.length).u8('/').bytes(bytes).u16(0)
                    .build(), BAD_FIELD);
            assertRejected(Wire.frame(0x01, 0, 1).u8(bytes.length).bytes(bytes).str16("/").u16(0).build(),
                    BAD_FIELD);
            assertRejected(Wire.frame(0x07, 0, 1).u16(1).u16(bytes.length).bytes(bytes).build(), BAD_FIELD);
            assertRejected(Wire.frame(0x0B, 0, 0).u16(1).u16(bytes.length).bytes(bytes).build(), BAD_FIELD);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10, 0x100, 0xFFFF})
    void rejectsUnknownResetReason(int code) {
        assertRejected(Wire.frame(0x07, 0, 1).u16(code).str16("").build(), BAD_FIELD);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 0xFFFF})
    void rejectsUnknownGoAwayReason(int code) {
        assertRejected(Wire.frame(0x0B, 0, 0).u16(code).str16("").build(), BAD_FIELD);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejectsWindowIncrementThatIsNotPositive(int increment) {
        assertRejected(Wire.frame(0x08, 0, 1).u32(increment).build(), BAD_FIELD);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 99, 1000, 0xFFFF})
    void rejectsStatusOutOfRange(int status) {
        assertRejected(responseHead(status).u16(0).build(), BAD_FIELD);
    }

    @Test
    void rejectsTrailingBytes() {
        assertRejected(Wire.frame(0x03, 0, 1).u8(0).build(), TRAILING_BYTES);
        assertRejected(Wire.frame(0x06, 0, 1).u8(0).build(), TRAILING_BYTES);
        assertRejected(Wire.frame(0x08, 0, 1).u32(1).u8(0).build(), TRAILING_BYTES);
        assertRejected(Wire.frame(0x09, 0, 0).u64(1).u8(0).build(), TRAILING_BYTES);
        assertRejected(Wire.frame(0x0A, 0, 0).u64(1).u8(0).build(), TRAILING_BYTES);
        assertRejected(Wire.frame(0x07, 0, 1).u16(1).str16("x").u8(0).build(), TRAILING_BYTES);
        assertRejected(Wire.frame(0x0B, 0, 0).u16(1).str16("x").u8(0).build(), TRAILING_BYTES);
        assertRejected(requestHead(0, 1, "GET", "/").u16(0).u8(0).build(), TRAILING_BYTES);
        assertRejected(responseHead(204).u16(1).str8("a").str16("b").u8(0).build(), TRAILING_BYTES);
    }

    // ------------------------------------------------------------------ helpers

    private ProtocolException assertRejected(byte[] message, ProtocolException.Reason reason) {
        return assertRejected(codec, message, reason);
    }

    /** With {@code reason == null}, asserts that the message is accepted (a positive control inside a test). */
    private static ProtocolException assertRejected(FrameCodec codec, byte[] message,
            ProtocolException.Reason reason) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(message));
        if (reason == null) {
            assertThat(e).as("accepted").isNull();
            return null;
        }
        assertThat(e).as("rejection with %s", reason).isNotNull();
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        return e;
    }
}
