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
        List<Header> all = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            all.add(new Header(h.getKey(), h.getValue()));
        }
        return stripHeaders(all, alsoDrop);
    }

    /** {@link #strip} for headers that came through the tunnel. */
    public static List<Header> stripHeaders(List<Header> headers, Set<String> alsoDrop) {
        Set<String> named = new HashSet<>();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("connection")) {
                for (String token : h.value().split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        List<Header> kept = new ArrayList<>(headers.size());
        for (Header h : headers) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            if (!ALWAYS.contains(lower) && !named.contains(lower) && !alsoDrop.contains(lower)) {
                kept.add(h);
            }
        }
        return kept;
    }

    /** True for a header that never crosses a proxy. */
    public static boolean isHopByHop(String name) {
        return ALWAYS.contains(name.toLowerCase(Locale.ROOT));
    }
}
