package dev.localbridge.protocol;

import static dev.localbridge.protocol.ProtocolException.Reason.BAD_FIELD;
import static dev.localbridge.protocol.ProtocolException.Reason.BAD_FLAGS;
import static dev.localbridge.protocol.ProtocolException.Reason.BAD_STREAM_ID;
import static dev.localbridge.protocol.ProtocolException.Reason.OVERSIZED;
import static dev.localbridge.protocol.ProtocolException.Reason.TRAILING_BYTES;
import static dev.localbridge.protocol.ProtocolException.Reason.TRUNCATED;
import static dev.localbridge.protocol.ProtocolException.Reason.UNKNOWN_TYPE;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes {@link Frame}s (protocol version 2: version 1 plus Hello and Accept, and Renew and Renewed). The layout is documented in {@code docs/protocol.md}:
 * a 6-byte header (type, flags, stream id, big-endian) followed by a type-specific payload.
 *
 * <p>The decoder is strict: every length is checked against the message and against {@link FrameLimits}, strings must
 * be valid UTF-8, methods and header names must be HTTP tokens, header values and targets must not contain CR, LF or
 * NUL. Anything else is a {@link ProtocolException} with a reason. Instances are immutable and thread-safe.
 */
public final class FrameCodec {

    static final byte REQUEST_HEAD = 0x01;
    static final byte REQUEST_BODY = 0x02;
    static final byte REQUEST_END = 0x03;
    static final byte RESPONSE_HEAD = 0x04;
    static final byte RESPONSE_BODY = 0x05;
    static final byte RESPONSE_END = 0x06;
    static final byte RESET = 0x07;
    static final byte WINDOW_UPDATE = 0x08;
    static final byte PING = 0x09;
    static final byte PONG = 0x0A;
    static final byte GOAWAY = 0x0B;
    static final byte HELLO = 0x0C;
    static final byte ACCEPT = 0x0D;
    static final byte RENEW = 0x0E;
    static final byte RENEWED = 0x0F;

    /** Flag of head frames: no body follows. */
    static final byte FLAG_END_STREAM = 0x01;

    private final FrameLimits limits;

    public FrameCodec(FrameLimits limits) {
        this.limits = limits;
    }

    /** A codec with {@link FrameLimits#DEFAULT}. */
    public FrameCodec() {
        this(FrameLimits.DEFAULT);
    }

    public FrameLimits limits() {
        return limits;
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes one frame into a new array. Fails with {@link IllegalArgumentException} when the frame breaks a rule the
     * decoder would reject, so that a bug on the sending side never reaches the wire.
     */
    public byte[] encode(Frame frame) {
        return switch (frame) {
            case Frame.RequestHead h -> {
                checkMethod(h.method());
                checkTarget(h.target());
                byte[] method = ascii(h.method());
                byte[] target = utf8(h.target());
                if (target.length > Math.min(limits.maxTargetBytes(), 0xFFFF)) {
                    throw new IllegalArgumentException("target of " + target.length + " bytes is above the limit");
                }
                byte[][] headers = encodeHeaders(h.headers());
                ByteBuffer b = allocate(1 + method.length + 2 + target.length + headersSize(headers));
                writeHeader(b, REQUEST_HEAD, h.endOfStream() ? FLAG_END_STREAM : 0, streamId(h));
                b.put((byte) method.length).put(method);
                b.putShort((short) target.length).put(target);
                writeHeaders(b, headers);
                yield b.array();
            }
            case Frame.RequestBody d -> data(REQUEST_BODY, streamId(d), d.data());
            case Frame.RequestEnd e -> empty(REQUEST_END, streamId(e));
            case Frame.ResponseHead h -> {
                if (h.status() < 100 || h.status() > 999) {
                    throw new IllegalArgumentException("status out of range: " + h.status());
                }
                byte[][] headers = encodeHeaders(h.headers());
                ByteBuffer b = allocate(2 + headersSize(headers));
                writeHeader(b, RESPONSE_HEAD, h.endOfStream() ? FLAG_END_STREAM : 0, streamId(h));
                b.putShort((short) h.status());
                writeHeaders(b, headers);
                yield b.array();
            }
            case Frame.ResponseBody d -> data(RESPONSE_BODY, streamId(d), d.data());
            case Frame.ResponseEnd e -> empty(RESPONSE_END, streamId(e));
            case Frame.Reset r -> coded(RESET, streamId(r), r.reason().code(), r.message());
            case Frame.WindowUpdate w -> {
                if (w.increment() <= 0) {
                    throw new IllegalArgumentException("window increment must be positive: " + w.increment());
                }
                ByteBuffer b = allocate(4);
                writeHeader(b, WINDOW_UPDATE, 0, streamId(w));
                b.putInt(w.increment());
                yield b.array();
            }
            case Frame.Ping p -> ping(PING, p.payload());
            case Frame.Pong p -> ping(PONG, p.payload());
            case Frame.GoAway g -> coded(GOAWAY, 0, g.reason().code(), g.message());
            case Frame.Hello h -> hello(h);
            case Frame.Accept a -> empty(ACCEPT, streamId(a));
            case Frame.Renew r -> renew(r);
            case Frame.Renewed r -> renewed(r);
        };
    }

    private byte[] renew(Frame.Renew r) {
        String problem = tokenProblem(r.token());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        ByteBuffer b = allocate(2 + r.token().length());
        writeHeader(b, RENEW, 0, 0);
        b.putShort((short) r.token().length()).put(ascii(r.token()));
        return b.array();
    }

    private byte[] renewed(Frame.Renewed r) {
        if (r.validUntil() < 0) {
            throw new IllegalArgumentException("validity before 1970: " + r.validUntil());
        }
        byte[] text = reasonText(r.message());
        ByteBuffer b = allocate(2 + 8 + 2 + text.length);
        writeHeader(b, RENEWED, 0, 0);
        b.putShort((short) r.result().code()).putLong(r.validUntil());
        b.putShort((short) text.length).put(text);
        return b.array();
    }

    /**
     * Why a renewal token is refused, or {@code null}: 1 to {@link TunnelProtocol#MAX_TOKEN_BYTES} characters of
     * visible ASCII (a JWT is base64url and dots), so that a token can never carry a control character into a log.
     */
    static String tokenProblem(String token) {
        if (token.isEmpty() || token.length() > TunnelProtocol.MAX_TOKEN_BYTES) {
            return "a token of " + token.length() + " characters, not 1-" + TunnelProtocol.MAX_TOKEN_BYTES;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return "the token has a character that is not visible ASCII at index " + i;
            }
        }
        return null;
    }

    private byte[] hello(Frame.Hello h) {
        if (h.version() < 1 || h.version() > 0xFFFF) {
            throw new IllegalArgumentException("protocol version out of range: " + h.version());
        }
        String problem = capabilitiesProblem(h.capabilities());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        int size = 2 + 1;
        for (String name : h.capabilities()) {
            size += 1 + name.length();
        }
        ByteBuffer b = allocate(size);
        writeHeader(b, HELLO, 0, 0);
        b.putShort((short) h.version());
        b.put((byte) h.capabilities().size());
        for (String name : h.capabilities()) {
            b.put((byte) name.length()).put(ascii(name));
        }
        return b.array();
    }

    /**
     * Why a capability list is refused, or {@code null}: at most {@link TunnelProtocol#MAX_CAPABILITIES} well-formed
     * names ({@link Capabilities#isValidName}), none twice — so that every Hello has exactly one encoding.
     */
    static String capabilitiesProblem(List<String> names) {
        if (names.size() > TunnelProtocol.MAX_CAPABILITIES) {
            return names.size() + " capabilities, limit " + TunnelProtocol.MAX_CAPABILITIES;
        }
        for (int i = 0; i < names.size(); i++) {
            if (!Capabilities.isValidName(names.get(i))) {
                return "capability " + (i + 1) + " is not a name of 1-" + TunnelProtocol.MAX_CAPABILITY_BYTES
                        + " characters a-z 0-9 . - starting with a letter";
            }
            if (names.subList(0, i).contains(names.get(i))) {
                return "capability " + names.get(i) + " is announced twice";
            }
        }
        return null;
    }

    private byte[] data(byte type, int streamId, byte[] data) {
        if (data.length > limits.maxMessageBytes() - TunnelProtocol.FRAME_HEADER_BYTES) {
            throw new IllegalArgumentException("body chunk of " + data.length + " bytes is above the frame limit");
        }
        ByteBuffer b = allocate(data.length);
        writeHeader(b, type, 0, streamId);
        b.put(data);
        return b.array();
    }

    private byte[] empty(byte type, int streamId) {
        ByteBuffer b = allocate(0);
        writeHeader(b, type, 0, streamId);
        return b.array();
    }

    private byte[] ping(byte type, long payload) {
        ByteBuffer b = allocate(8);
        writeHeader(b, type, 0, 0);
        b.putLong(payload);
        return b.array();
    }

    private byte[] coded(byte type, int streamId, int code, String message) {
        byte[] text = reasonText(message);
        ByteBuffer b = allocate(2 + 2 + text.length);
        writeHeader(b, type, 0, streamId);
        b.putShort((short) code);
        b.putShort((short) text.length).put(text);
        return b.array();
    }

    /**
     * Free text for diagnostics: never refused. Too long is cut at a code point boundary, and an unpaired surrogate
     * travels as '?' (String.getBytes), so that sending a reset can never fail because of its text.
     */
    private byte[] reasonText(String message) {
        int maxBytes = Math.min(limits.maxReasonBytes(), 0xFFFF);
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        if (text.length > maxBytes) {
            text = truncate(message, maxBytes).getBytes(StandardCharsets.UTF_8);
        }
        return text;
    }

    private static String truncate(String message, int maxBytes) {
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < message.length(); ) {
            int cp = message.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > maxBytes) {
                break;
            }
            sb.appendCodePoint(cp);
            bytes += len;
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    private byte[][] encodeHeaders(List<Header> headers) {
        if (headers.size() > limits.maxHeaderCount()) {
            throw new IllegalArgumentException("too many headers: " + headers.size());
        }
        byte[][] out = new byte[headers.size() * 2][];
        int total = 0;
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            checkHeader(h.name(), h.value());
            out[2 * i] = ascii(h.name());
            out[2 * i + 1] = utf8(h.value());
            if (out[2 * i + 1].length > 0xFFFF) {
                throw new IllegalArgumentException("header " + h.name() + " has a value above 65535 bytes");
            }
            total += out[2 * i].length + out[2 * i + 1].length;
        }
        if (total > limits.maxHeaderBytes()) {
            throw new IllegalArgumentException("headers of " + total + " bytes are above the limit");
        }
        return out;
    }

    private static int headersSize(byte[][] headers) {
        int size = 2;
        for (int i = 0; i < headers.length; i += 2) {
            size += 1 + headers[i].length + 2 + headers[i + 1].length;
        }
        return size;
    }

    private static void writeHeaders(ByteBuffer b, byte[][] headers) {
        b.putShort((short) (headers.length / 2));
        for (int i = 0; i < headers.length; i += 2) {
            b.put((byte) headers[i].length).put(headers[i]);
            b.putShort((short) headers[i + 1].length).put(headers[i + 1]);
        }
    }

    private ByteBuffer allocate(int payload) {
        int size = TunnelProtocol.FRAME_HEADER_BYTES + payload;
        if (size > limits.maxMessageBytes()) {
            throw new IllegalArgumentException("frame of " + size + " bytes is above the limit of "
                    + limits.maxMessageBytes());
        }
        return ByteBuffer.allocate(size);
    }

    private static void writeHeader(ByteBuffer b, byte type, int flags, int streamId) {
        b.put(type).put((byte) flags).putInt(streamId);
    }

    private static int streamId(Frame f) {
        if (f.streamId() <= 0) {
            throw new IllegalArgumentException("stream frames need a positive stream id: " + f);
        }
        return f.streamId();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** UTF-8 of a field whose meaning must survive the trip: an unpaired surrogate is refused, not turned into '?'. */
    private static byte[] utf8(String s) {
        if (!isWellFormed(s)) {
            throw new IllegalArgumentException("string has an unpaired surrogate and no UTF-8 form");
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static void checkMethod(String method) {
        if (method.isEmpty() || method.length() > 255 || !HttpSyntax.isToken(method)) {
            throw new IllegalArgumentException("not an HTTP method token: " + method);
        }
    }

    private static void checkTarget(String target) {
        String problem = targetProblem(target);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static void checkHeader(String name, String value) {
        if (name.isEmpty() || name.length() > 255 || !HttpSyntax.isToken(name)) {
            throw new IllegalArgumentException("not an HTTP header name: " + name);
        }
        if (!HttpSyntax.isFieldValue(value) || value.length() > 0xFFFF) {
            throw new IllegalArgumentException("header " + name + " has a forbidden character or is too long");
        }
    }

    // ---------------------------------------------------------------- decoding

    /** Decodes one whole message. */
    public Frame decode(byte[] message) throws ProtocolException {
        return decode(ByteBuffer.wrap(message));
    }

    /** Decodes the remaining bytes of {@code message} as exactly one frame; the buffer's position is consumed. */
    public Frame decode(ByteBuffer message) throws ProtocolException {
        if (message.remaining() > limits.maxMessageBytes()) {
            throw new ProtocolException(OVERSIZED,
                    "message of " + message.remaining() + " bytes, limit " + limits.maxMessageBytes());
        }
        if (message.remaining() < TunnelProtocol.FRAME_HEADER_BYTES) {
            throw new ProtocolException(TRUNCATED, "message of " + message.remaining() + " bytes has no frame header");
        }
        byte type = message.get();
        int flags = message.get() & 0xFF;
        int streamId = message.getInt();
        try {
            Frame frame = switch (type) {
                case REQUEST_HEAD -> {
                    flags(type, flags, FLAG_END_STREAM);
                    stream(type, streamId);
                    String method = readString(message, message.get() & 0xFF, "method");
                    if (method.isEmpty() || !HttpSyntax.isToken(method)) {
                        throw new ProtocolException(BAD_FIELD, "method is not an HTTP token");
                    }
                    int targetLength = message.getShort() & 0xFFFF;
                    if (targetLength > limits.maxTargetBytes()) {
                        throw new ProtocolException(OVERSIZED, "target of " + targetLength + " bytes");
                    }
                    String target = readString(message, targetLength, "target");
                    String problem = targetProblem(target);
                    if (problem != null) {
                        throw new ProtocolException(BAD_FIELD, problem);
                    }
                    List<Header> headers = readHeaders(message);
                    yield new Frame.RequestHead(streamId, method, target, headers, (flags & FLAG_END_STREAM) != 0);
                }
                case REQUEST_BODY -> {
                    flags(type, flags, 0);
                    yield new Frame.RequestBody(stream(type, streamId), rest(message));
                }
                case REQUEST_END -> {
                    flags(type, flags, 0);
                    yield new Frame.RequestEnd(stream(type, streamId));
                }
                case RESPONSE_HEAD -> {
                    flags(type, flags, FLAG_END_STREAM);
                    stream(type, streamId);
                    int status = message.getShort() & 0xFFFF;
                    if (status < 100 || status > 999) {
                        throw new ProtocolException(BAD_FIELD, "status " + status + " is not a 3-digit HTTP status");
                    }
                    List<Header> headers = readHeaders(message);
                    yield new Frame.ResponseHead(streamId, status, headers, (flags & FLAG_END_STREAM) != 0);
                }
                case RESPONSE_BODY -> {
                    flags(type, flags, 0);
                    yield new Frame.ResponseBody(stream(type, streamId), rest(message));
                }
                case RESPONSE_END -> {
                    flags(type, flags, 0);
                    yield new Frame.ResponseEnd(stream(type, streamId));
                }
                case RESET -> {
                    flags(type, flags, 0);
                    stream(type, streamId);
                    int code = message.getShort() & 0xFFFF;
                    ResetReason reason = ResetReason.fromCode(code);
                    if (reason == null) {
                        throw new ProtocolException(BAD_FIELD, "unknown reset reason " + code);
                    }
                    yield new Frame.Reset(streamId, reason, readReason(message));
                }
                case WINDOW_UPDATE -> {
                    flags(type, flags, 0);
                    stream(type, streamId);
                    int increment = message.getInt();
                    if (increment <= 0) {
                        throw new ProtocolException(BAD_FIELD, "window increment " + Integer.toUnsignedString(
                                increment) + " is not in 1..2^31-1");
                    }
                    yield new Frame.WindowUpdate(streamId, increment);
                }
                case PING -> {
                    flags(type, flags, 0);
                    connection(type, streamId);
                    yield new Frame.Ping(message.getLong());
                }
                case PONG -> {
                    flags(type, flags, 0);
                    connection(type, streamId);
                    yield new Frame.Pong(message.getLong());
                }
                case GOAWAY -> {
                    flags(type, flags, 0);
                    connection(type, streamId);
                    int code = message.getShort() & 0xFFFF;
                    GoAwayReason reason = GoAwayReason.fromCode(code);
                    if (reason == null) {
                        throw new ProtocolException(BAD_FIELD, "unknown goaway reason " + code);
                    }
                    yield new Frame.GoAway(reason, readReason(message));
                }
                case HELLO -> {
                    flags(type, flags, 0);
                    connection(type, streamId);
                    yield readHello(message);
                }
                case ACCEPT -> {
                    flags(type, flags, 0);
                    yield new Frame.Accept(stream(type, streamId));
                }
                case RENEW -> {
                    flags(type, flags, 0);
                    connection(type, streamId);
                    yield readRenew(message);
                }
                case RENEWED -> {
                    flags(type, flags, 0);
                    connection(type, streamId);
                    int code = message.getShort() & 0xFFFF;
                    RenewResult result = RenewResult.fromCode(code);
                    if (result == null) {
                        throw new ProtocolException(BAD_FIELD, "unknown renewal result " + code);
                    }
                    long validUntil = message.getLong();
                    if (validUntil < 0) {
                        throw new ProtocolException(BAD_FIELD, "validity " + Long.toUnsignedString(validUntil)
                                + " is not in 0..2^63-1");
                    }
                    yield new Frame.Renewed(result, validUntil, readReason(message));
                }
                default -> throw new ProtocolException(UNKNOWN_TYPE, String.format("frame type 0x%02x", type));
            };
            if (message.hasRemaining()) {
                throw new ProtocolException(TRAILING_BYTES,
                        message.remaining() + " bytes after the end of a " + frame.getClass().getSimpleName());
            }
            return frame;
        } catch (BufferUnderflowException e) {
            throw new ProtocolException(TRUNCATED, String.format("frame type 0x%02x ends early", type));
        }
    }

    private static void flags(byte type, int flags, int allowed) throws ProtocolException {
        if ((flags & ~allowed) != 0) {
            throw new ProtocolException(BAD_FLAGS, String.format("flags 0x%02x on frame type 0x%02x", flags, type));
        }
    }

    private static int stream(byte type, int streamId) throws ProtocolException {
        if (streamId <= 0) {
            throw new ProtocolException(BAD_STREAM_ID,
                    String.format("stream id %d on stream frame type 0x%02x", streamId, type));
        }
        return streamId;
    }

    private static void connection(byte type, int streamId) throws ProtocolException {
        if (streamId != 0) {
            throw new ProtocolException(BAD_STREAM_ID,
                    String.format("stream id %d on connection frame type 0x%02x", streamId, type));
        }
    }

    private static byte[] rest(ByteBuffer message) {
        byte[] data = new byte[message.remaining()];
        message.get(data);
        return data;
    }

    private static Frame.Hello readHello(ByteBuffer message) throws ProtocolException {
        int version = message.getShort() & 0xFFFF;
        if (version == 0) {
            throw new ProtocolException(BAD_FIELD, "protocol version 0");
        }
        int count = message.get() & 0xFF;
        if (count > TunnelProtocol.MAX_CAPABILITIES) {
            throw new ProtocolException(OVERSIZED, count + " capabilities, limit " + TunnelProtocol.MAX_CAPABILITIES);
        }
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = message.get() & 0xFF;
            if (length > TunnelProtocol.MAX_CAPABILITY_BYTES) {
                throw new ProtocolException(OVERSIZED, "capability name of " + length + " bytes");
            }
            names.add(readString(message, length, "capability name"));
        }
        String problem = capabilitiesProblem(names);
        if (problem != null) {
            throw new ProtocolException(BAD_FIELD, problem);
        }
        return new Frame.Hello(version, names);
    }

    private static Frame.Renew readRenew(ByteBuffer message) throws ProtocolException {
        int length = message.getShort() & 0xFFFF;
        if (length > TunnelProtocol.MAX_TOKEN_BYTES) {
            throw new ProtocolException(OVERSIZED, "token of " + length + " bytes, limit "
                    + TunnelProtocol.MAX_TOKEN_BYTES);
        }
        String token = readString(message, length, "token");
        String problem = tokenProblem(token);
        if (problem != null) {
            throw new ProtocolException(BAD_FIELD, problem);
        }
        return new Frame.Renew(token);
    }

    private String readReason(ByteBuffer message) throws ProtocolException {
        int length = message.getShort() & 0xFFFF;
        if (length > limits.maxReasonBytes()) {
            throw new ProtocolException(OVERSIZED, "reason text of " + length + " bytes");
        }
        return readString(message, length, "reason");
    }

    private List<Header> readHeaders(ByteBuffer message) throws ProtocolException {
        int count = message.getShort() & 0xFFFF;
        if (count > limits.maxHeaderCount()) {
            throw new ProtocolException(OVERSIZED, count + " headers, limit " + limits.maxHeaderCount());
        }
        List<Header> headers = new ArrayList<>(count);
        int total = 0;
        for (int i = 0; i < count; i++) {
            int nameLength = message.get() & 0xFF;
            String name = readString(message, nameLength, "header name");
            int valueLength = message.getShort() & 0xFFFF;
            total += nameLength + valueLength;
            if (total > limits.maxHeaderBytes()) {
                throw new ProtocolException(OVERSIZED, "header block above " + limits.maxHeaderBytes() + " bytes");
            }
            String value = readString(message, valueLength, "header value");
            if (name.isEmpty() || !HttpSyntax.isToken(name)) {
                throw new ProtocolException(BAD_FIELD, "header name is not an HTTP token");
            }
            if (!HttpSyntax.isFieldValue(value)) {
                throw new ProtocolException(BAD_FIELD, "header " + name + " has CR, LF or NUL in its value");
            }
            headers.add(new Header(name, value));
        }
        return headers;
    }

    private static String readString(ByteBuffer message, int length, String field) throws ProtocolException {
        if (length > message.remaining()) {
            throw new ProtocolException(TRUNCATED, field + " announces " + length + " bytes, "
                    + message.remaining() + " left");
        }
        ByteBuffer slice = message.slice(message.position(), length);
        message.position(message.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(BAD_FIELD, field + " is not valid UTF-8");
        }
    }

    // ---------------------------------------------------------------- character rules shared by both directions

    /** Why a request target is refused, or {@code null}: it must be an origin-form path with no control characters. */
    static String targetProblem(String target) {
        if (target.isEmpty() || target.charAt(0) != '/') {
            return "target must start with '/'";
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c == 0x7F) {
                return "target contains a control character or space";
            }
        }
        return null;
    }
}
