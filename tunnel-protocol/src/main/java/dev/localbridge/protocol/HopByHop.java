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
     * {@code alsoDrop}.
     */
    public static List<Header> strip(Iterable<Map.Entry<String, String>> headers, Set<String> alsoDrop) {
        Set<String> named = new HashSet<>();
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase("connection")) {
                for (String token : h.getValue().split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        List<Header> kept = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (!ALWAYS.contains(lower) && !named.contains(lower) && !alsoDrop.contains(lower)) {
                kept.add(new Header(h.getKey(), h.getValue()));
            }
        }
        return kept;
    }

    /** True for a header that never crosses a proxy. */
    public static boolean isHopByHop(String name) {
        return ALWAYS.contains(name.toLowerCase(Locale.ROOT));
    }
}
