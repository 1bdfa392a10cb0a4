package dev.localbridge.protocol;

import java.nio.ByteBuffer;

/**
 * The codec as the properties see it: {@link FrameCodec} itself in the property tests, and deliberately broken
 * versions of it in {@code PropertiesCatchPlantedBugsTest}, which shows that each property fails when the codec is
 * wrong.
 */
interface WireCodec {

    byte[] encode(Frame frame);

    Frame decode(byte[] message) throws ProtocolException;

    Frame decode(ByteBuffer message) throws ProtocolException;

    /** The real codec with {@link FrameLimits#DEFAULT}. */
    static WireCodec real() {
        FrameCodec codec = new FrameCodec();
        return new WireCodec() {
            @Override
            public byte[] encode(Frame frame) {
                return codec.encode(frame);
            }

            @Override
            public Frame decode(byte[] message) throws ProtocolException {
                return codec.decode(message);
            }

            @Override
            public Frame decode(ByteBuffer message) throws ProtocolException {
                return codec.decode(message);
            }
        };
    }
}
