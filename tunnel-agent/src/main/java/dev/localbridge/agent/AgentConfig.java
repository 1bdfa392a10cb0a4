package dev.localbridge.agent;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a {@link TunnelAgent} needs. Build it with {@link #ofTokenSource(String, TokenSource)} (or
 * {@link #of(String, Supplier)}) and the {@code with…} methods.
 * The agent enforces no request-body limit of its own: bodies are streamed under flow control, and the gateway
 * applies the size limit.
 *
 * @param gatewayUrl           the gateway's tunnel endpoint, always {@code ws://} or {@code wss://}; an {@code http(s)}
 *                             URL is mapped to {@code ws(s)}, and {@code /ws/tunnel} is used when it has no path
 * @param tokens               gives the JWT sent as {@code Authorization: Bearer}; asked (off the event loop) before
 *                             every connection attempt and about once a second while a tunnel is open, so a token that
 *                             is renewed (on disk, by a login) renews the open tunnel in-band
 * @param targetUrl            the one local service requests are forwarded to, {@code http} or {@code https}, may have
 *                             a base path (default {@code http://localhost:11434}, Ollama)
 * @param forwardAuthorization whether the caller's {@code Authorization} header reaches the target (default false)
 * @param forwardCookies       whether the caller's {@code Cookie} header reaches the target (default false)
 * @param reconnectMinBackoff  shortest wait before reconnecting after a drop (default 500 ms)
 * @param reconnectMaxBackoff  longest wait before reconnecting (default 30 s)
 * @param pingInterval         how often the agent pings; a gateway silent for three intervals is dropped (default 30 s)
 * @param maxConcurrentStreams streams in flight per tunnel before new ones are refused (default 100)
 */
public record AgentConfig(URI gatewayUrl, TokenSource tokens, URI targetUrl, boolean forwardAuthorization,
        boolean forwardCookies, Duration reconnectMinBackoff, Duration reconnectMaxBackoff, Duration pingInterval,
        int maxConcurrentStreams) {

    /** Ollama on this machine. */
    public static final URI DEFAULT_TARGET = URI.create("http://localhost:11434");
    public static final Duration DEFAULT_RECONNECT_MIN_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_RECONNECT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;

    public AgentConfig {
        Objects.requireNonNull(gatewayUrl, "gatewayUrl");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(targetUrl, "targetUrl");
        Objects.requireNonNull(reconnectMinBackoff, "reconnectMinBackoff");
        Objects.requireNonNull(reconnectMaxBackoff, "reconnectMaxBackoff");
        Objects.requireNonNull(pingInterval, "pingInterval");
        gatewayUrl = GatewayUrl.normalize(gatewayUrl.toString());
        targetUrl = checkTarget(targetUrl);
        if (reconnectMinBackoff.isNegative() || reconnectMinBackoff.isZero()
                || reconnectMaxBackoff.compareTo(reconnectMinBackoff) < 0) {
            throw new IllegalArgumentException("reconnect backoff must be positive and min <= max");
        }
        if (pingInterval.toMillis() < 1) {
            throw new IllegalArgumentException("ping interval must be at least 1 ms");
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("max concurrent streams must be at least 1");
        }
    }

    /** A configuration with every default, for the given gateway URL (http, https, ws or wss) and token source. */
    public static AgentConfig ofTokenSource(String gatewayUrl, TokenSource tokens) {
        return new AgentConfig(GatewayUrl.normalize(gatewayUrl), tokens, DEFAULT_TARGET, false, false,
                DEFAULT_RECONNECT_MIN_BACKOFF, DEFAULT_RECONNECT_MAX_BACKOFF, DEFAULT_PING_INTERVAL,
                DEFAULT_MAX_CONCURRENT_STREAMS);
    }

    /**
     * As {@link #ofTokenSource}, for a plain supplier of tokens (one that cannot {@link TokenSource#renewNow renew}
     * on demand). Not an overload of the same name: a lambda would fit both.
     */
    public static AgentConfig of(String gatewayUrl, Supplier<String> tokenSupplier) {
        return ofTokenSource(gatewayUrl, tokenSupplier::get);
    }

    public AgentConfig withTargetUrl(String url) {
        return new AgentConfig(gatewayUrl, tokens, parseTarget(url), forwardAuthorization, forwardCookies,
                reconnectMinBackoff, reconnectMaxBackoff, pingInterval, maxConcurrentStreams);
    }

    public AgentConfig withForwardAuthorization(boolean forward) {
        return new AgentConfig(gatewayUrl, tokens, targetUrl, forward, forwardCookies, reconnectMinBackoff,
                reconnectMaxBackoff, pingInterval, maxConcurrentStreams);
    }

    public AgentConfig withForwardCookies(boolean forward) {
        return new AgentConfig(gatewayUrl, tokens, targetUrl, forwardAuthorization, forward,
                reconnectMinBackoff, reconnectMaxBackoff, pingInterval, maxConcurrentStreams);
    }

    public AgentConfig withReconnectBackoff(Duration min, Duration max) {
        return new AgentConfig(gatewayUrl, tokens, targetUrl, forwardAuthorization, forwardCookies, min, max,
                pingInterval, maxConcurrentStreams);
    }

    public AgentConfig withPingInterval(Duration interval) {
        return new AgentConfig(gatewayUrl, tokens, targetUrl, forwardAuthorization, forwardCookies,
                reconnectMinBackoff, reconnectMaxBackoff, interval, maxConcurrentStreams);
    }

    public AgentConfig withMaxConcurrentStreams(int max) {
        return new AgentConfig(gatewayUrl, tokens, targetUrl, forwardAuthorization, forwardCookies,
                reconnectMinBackoff, reconnectMaxBackoff, pingInterval, max);
    }

    /** Never shows the token; redacts {@code token=} in the gateway URL. */
    @Override
    public String toString() {
        return "AgentConfig[gateway=" + GatewayUrl.redact(gatewayUrl) + ", target=" + targetUrl
                + ", forwardAuthorization=" + forwardAuthorization + ", forwardCookies=" + forwardCookies
                + ", reconnectBackoff=" + reconnectMinBackoff.toMillis() + ".." + reconnectMaxBackoff.toMillis()
                + " ms, pingInterval=" + pingInterval.toMillis() + " ms, maxConcurrentStreams=" + maxConcurrentStreams
                + "]";
    }

    private static URI parseTarget(String url) {
        try {
            return checkTarget(new URI(url.strip()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("target URL is not a valid URL: " + url);
        }
    }

    private static URI checkTarget(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("target URL must start with http:// or https://: " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("target URL has no host: " + url);
        }
        if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("target URL must not have user info, a query or a fragment: " + url);
        }
        return url;
    }
}
