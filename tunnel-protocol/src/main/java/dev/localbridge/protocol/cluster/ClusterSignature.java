package dev.localbridge.protocol.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How one LocalBridge service proves to another that a call comes from the cluster, without the cluster secret
 * ({@code TUNNEL_CLUSTER_SECRET}) ever travelling: the caller signs the call with HMAC-SHA256 under a key derived from
 * the secret, the callee checks the signature, that the call is fresh, and that it has not seen it before.
 *
 * <p>The signed (canonical) string is, one field per line: the scheme version {@value #SCHEME}, the method, the path
 * and query exactly as sent, the relay route headers ({@code X-LocalBridge-Connection}, {@code -Epoch}, {@code -User};
 * empty when absent), the SHA-256 of the body in hex (or {@code UNSIGNED-PAYLOAD} for calls whose body is streamed, the
 * relay), the timestamp (epoch milliseconds) and the nonce. Which calls cover their body is the verifier's decision,
 * never the caller's claim, so a caller cannot opt out of it. No field may contain a line break.
 *
 * <p>The header value ({@link #HEADER}) is {@code v1;ts=<millis>;nonce=<base64url>;sig=<base64url>}. A call is
 * accepted when its timestamp is within {@link #DEFAULT_TOLERANCE} of the verifier's clock (either side) and its nonce
 * was not accepted before; nonces are remembered for twice the tolerance, at most {@code replayCapacity} of them. When
 * that many calls arrived within the window, further calls are refused (fail closed) until older nonces expire.
 *
 * <p>Thread-safe. One instance per process and secret: the replay memory is the instance's.
 */
public final class ClusterSignature {

    /** The header that carries the signature on every cluster call. */
    public static final String HEADER = "X-LocalBridge-Cluster-Auth";
    /** Relay route header: the tunnel connection a relayed request is for (signed when present). */
    public static final String CONNECTION_HEADER = "X-LocalBridge-Connection";
    /** Relay route header: the lease epoch the caller routed by (signed when present). */
    public static final String EPOCH_HEADER = "X-LocalBridge-Epoch";
    /** Relay route header: the user the request was authorized for (signed when present). */
    public static final String USER_HEADER = "X-LocalBridge-User";
    /** Version of the scheme, the first line of the signed string. */
    public static final String SCHEME = "LB-CLUSTER-HMAC-SHA256/1";
    /** The largest difference between the caller's and the verifier's clocks that is accepted. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(30);
    /** Nonces remembered by default (about 3,300 verified calls per second sustained over the 60 s window). */
    public static final int DEFAULT_REPLAY_CAPACITY = 200_000;
    /** Body line of calls whose body is not covered (streamed bodies: the relay). */
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

    private static final String VERSION = "v1";
    private static final String KEY_LABEL = "LocalBridge cluster signature key v1";
    private static final Pattern VALUE = Pattern.compile(
            "v1;ts=([0-9]{1,15});nonce=([A-Za-z0-9_-]{16,64});sig=([A-Za-z0-9_-]{43})");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
    private final Clock clock;
    private final long toleranceMillis;
    private final NonceMemory nonces;

    /** With the system clock, {@link #DEFAULT_TOLERANCE} and {@link #DEFAULT_REPLAY_CAPACITY}. */
    public ClusterSignature(String secret) {
        this(secret, Clock.systemUTC(), DEFAULT_TOLERANCE, DEFAULT_REPLAY_CAPACITY);
    }

    /**
     * @param secret         the cluster secret; must not be blank
     * @param clock          the clock timestamps are taken from and checked against
     * @param tolerance      how far a call's timestamp may be from {@code clock}, either way
     * @param replayCapacity how many nonces are remembered at most
     */
    public ClusterSignature(String secret, Clock clock, Duration tolerance, int replayCapacity) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the cluster secret must not be blank");
        }
        this.key = new SecretKeySpec(hmac(secret.getBytes(StandardCharsets.UTF_8),
                KEY_LABEL.getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        this.clock = clock;
        this.toleranceMillis = tolerance.toMillis();
        this.nonces = new NonceMemory(replayCapacity, 2 * toleranceMillis);
    }

    /** The header value for {@code call}, with the current time and a fresh random nonce. */
    public String sign(Call call) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return sign(call, clock.millis(), BASE64URL.encodeToString(nonce));
    }

    String sign(Call call, long timestamp, String nonce) {
        String signature = BASE64URL.encodeToString(mac(canonical(call, timestamp, nonce)));
        return VERSION + ";ts=" + timestamp + ";nonce=" + nonce + ";sig=" + signature;
    }

    /**
     * Whether {@code headerValue} is a valid signature of {@code call}: well formed, fresh, made with this secret for
     * exactly this call, and not seen before. A valid call's nonce is remembered, so the same value is refused next
     * time.
     */
    public Verdict verify(Call call, String headerValue) {
        if (headerValue == null || headerValue.isEmpty()) {
            return Verdict.refused("no " + HEADER + " header");
        }
        var parts = VALUE.matcher(headerValue);
        if (!parts.matches()) {
            return Verdict.refused(headerValue.startsWith(VERSION + ";") ? "malformed signature"
                    : "unsupported signature scheme (expected " + VERSION + ")");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(parts.group(1));
        } catch (NumberFormatException e) {
            return Verdict.refused("malformed signature");
        }
        long now = clock.millis();
        if (Math.abs(now - timestamp) > toleranceMillis) {
            return Verdict.refused("timestamp outside the accepted window (±" + toleranceMillis / 1000 + " s; clocks "
                    + "out of sync, or an old call replayed)");
        }
        String nonce = parts.group(2);
        byte[] expected;
        try {
            expected = mac(canonical(call, timestamp, nonce));
        } catch (IllegalArgumentException e) {
            return Verdict.refused(e.getMessage());
        }
        byte[] given = Base64.getUrlDecoder().decode(parts.group(3));
        if (!MessageDigest.isEqual(expected, given)) {
            return Verdict.refused("signature does not match (another cluster secret, or the call was altered)");
        }
        return switch (nonces.firstUse(nonce, now)) {
            case FIRST -> Verdict.VALID;
            case REPLAYED -> Verdict.refused("nonce already used (replayed call)");
            case FULL -> Verdict.refused("too many cluster calls within the replay window");
        };
    }

    private static String canonical(Call call, long timestamp, String nonce) {
        StringBuilder s = new StringBuilder(256).append(SCHEME);
        for (String field : new String[] {call.method(), call.target(), call.connection(), call.epoch(), call.user(),
                call.bodySha256() == null ? UNSIGNED_PAYLOAD : call.bodySha256(), Long.toString(timestamp), nonce}) {
            String value = field == null ? "" : field;
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a signed field contains a line break");
            }
            s.append('\n').append(value);
        }
        return s.toString();
    }

    private byte[] mac(String canonical) {
        // doFinal resets the Mac to its key, so each thread keeps one instead of looking one up on every call.
        return macs.get().doFinal(canonical.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * What a signature covers.
     *
     * @param method     the HTTP method, upper case
     * @param target     path and query exactly as on the request line
     * @param connection value of {@code X-LocalBridge-Connection}, or null
     * @param epoch      value of {@code X-LocalBridge-Epoch}, or null
     * @param user       value of {@code X-LocalBridge-User}, or null
     * @param bodySha256 lower-case hex SHA-256 of the body, or null when the body is not covered
     */
    public record Call(String method, String target, String connection, String epoch, String user,
            String bodySha256) {

        /** A call without route headers whose body is not covered. */
        public static Call of(String method, String target) {
            return new Call(method, target, null, null, null, null);
        }

        /** The same call with the relay route headers. */
        public Call withRoute(String connection, String epoch, String user) {
            return new Call(method, target, connection, epoch, user, bodySha256);
        }

        /** The same call covering {@code body} (null or empty: the empty body). */
        public Call withBody(byte[] body) {
            return new Call(method, target, connection, epoch, user, sha256(body == null ? new byte[0] : body));
        }

        private static String sha256(byte[] body) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 unavailable", e);
            }
        }
    }

    /**
     * The outcome of {@link #verify}.
     *
     * @param valid  whether the call is accepted
     * @param reason why it was refused (for the log and the 401 answer; never contains the secret), or "valid"
     */
    public record Verdict(boolean valid, String reason) {

        /** An accepted call. */
        public static final Verdict VALID = new Verdict(true, "valid");

        static Verdict refused(String reason) {
            return new Verdict(false, reason);
        }
    }
}
