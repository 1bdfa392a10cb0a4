package dev.localbridge.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-built messages for tests: big-endian fields appended in order, with no validation at all. */
final class Wire {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A message starting with the 6-byte frame header. */
    static Wire frame(int type, int flags, int streamId) {
        return new Wire().u8(type).u8(flags).u32(streamId);
    }

    Wire u8(int value) {
        out.write(value);
        return this;
    }

    Wire u16(int value) {
        return u8(value >>> 8).u8(value);
    }

    Wire u32(int value) {
        return u16(value >>> 16).u16(value);
    }

    Wire u64(long value) {
        return u32((int) (value >>> 32)).u32((int) value);
    }

    Wire bytes(int... values) {
        for (int value : values) {
            u8(value);
        }
        return this;
    }

    Wire bytes(byte[] values) {
        out.writeBytes(values);
        return this;
    }

    /** A string with a one-byte length prefix (methods, header names). */
    Wire str8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return u8(bytes.length).bytes(bytes);
    }

    /** A string with a two-byte length prefix (targets, header values, reason texts). */
    Wire str16(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return u16(bytes.length).bytes(bytes);
    }

    byte[] build() {
        return out.toByteArray();
    }
}
