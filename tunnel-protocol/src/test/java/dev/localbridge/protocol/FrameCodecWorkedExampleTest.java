package dev.localbridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The worked examples of {@code docs/protocol.md}, byte for byte, so the document cannot drift from the codec. */
class FrameCodecWorkedExampleTest {

    private final FrameCodec codec = new FrameCodec();

    @Test
    void requestHeadExampleOfTheProtocolDocument() throws ProtocolException {
        Frame frame = new Frame.RequestHead(1, "POST", "/api/chat", List.of(
                new Header("Content-Type", "application/json"), new Header("X-Title", "caf\u00e9")), false);
        byte[] documented = hex("""
                01 00 00 00 00 01 04 50 4f 53 54 00 09 2f 61 70
                69 2f 63 68 61 74 00 02 0c 43 6f 6e 74 65 6e 74
                2d 54 79 70 65 00 10 61 70 70 6c 69 63 61 74 69
                6f 6e 2f 6a 73 6f 6e 07 58 2d 54 69 74 6c 65 00
                05 63 61 66 c3 a9""");
        assertThat(codec.encode(frame)).isEqualTo(documented);
        assertThat(codec.decode(documented)).isEqualTo(frame);
    }

    @Test
    void responseBodyExampleOfTheProtocolDocument() throws ProtocolException {
        Frame frame = new Frame.ResponseBody(1, "{\"response\":\"Hi\"}\n".getBytes(StandardCharsets.UTF_8));
        byte[] documented = hex("""
                05 00 00 00 00 01 7b 22 72 65 73 70 6f 6e 73 65
                22 3a 22 48 69 22 7d 0a""");
        assertThat(codec.encode(frame)).isEqualTo(documented);
        assertThat(codec.decode(documented)).isEqualTo(frame);
    }

    private static byte[] hex(String dump) {
        return HexFormat.of().parseHex(dump.replaceAll("\\s+", ""));
    }
}
