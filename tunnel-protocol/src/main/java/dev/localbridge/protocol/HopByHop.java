package dev.localbridge.protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hop-by-hop headers (RFC 9110 section 7.6.1): they describe one connection and never cross the tunnel, in either
 * direction. Both the gateway and the agent strip them with {@link #strip}.
 */
public final class HopByHop {

    private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "http2-settings");

    private HopByHop() {
    }

    /**
     * The headers without the hop-by-hop ones (those named by {@code Connection} too) and without the lower-case names in
     * {@code alsoDrop}, as a new mutable list the caller may extend.
     */
    public static List<Header> strip(Iterable<Map.Entry<String, String>> headers, Set<String> alsoDrop) {
        Set<String> named = Set.of();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase("connection")) {
                named = connectionTokens(named, h.getValue());
            }
        }
        List<Header> kept = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            if (forwarded(h.getKey(), named, alsoDrop)) {
                kept.add(new Header(h.getKey(), h.getValue()));
            }
        }
        return kept;
    }

    /** {@link #strip} for headers that came through the tunnel. */
    public static List<Header> stripHeaders(List<Header> headers, Set<String> alsoDrop) {
        Set<String> named = Set.of();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("connection")) {
                named = connectionTokens(named, h.value());
            }
        }
        List<Header> kept = new ArrayList<>(headers.size());
        for (Header h : headers) {
            if (forwarded(h.name(), named, alsoDrop)) {
                kept.add(h);
            }
        }
        return kept;
    }

    private static boolean forwarded(String name, Set<String> named, Set<String> alsoDrop) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !ALWAYS.contains(lower) && !named.contains(lower) && !alsoDrop.contains(lower);
    }

    private static Set<String> connectionTokens(Set<String> soFar, String value) {
        Set<String> named = new HashSet<>(soFar);
        for (String token : value.split(",")) {
            named.add(token.trim().toLowerCase(Locale.ROOT));
        }
        return named;
    }

    /** True for a header that never crosses a proxy. */
    public static boolean isHopByHop(String name) {
        return ALWAYS.contains(name.toLowerCase(Locale.ROOT));
    }
}
