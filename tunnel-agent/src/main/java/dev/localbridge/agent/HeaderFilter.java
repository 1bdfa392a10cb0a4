package dev.localbridge.agent;

import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HopByHop;
import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which header fields cross the agent. Hop-by-hop fields (RFC 9110 §7.6.1, plus the names listed in
 * {@code Connection}) are stripped both ways. Towards the local target, {@code Host} is rewritten to the target's
 * authority, {@code Origin} and {@code Expect} are dropped (Ollama answers 403 to foreign origins; the gateway has
 * already accepted the body), and {@code Authorization} and {@code Cookie} are dropped unless configured.
 */
final class HeaderFilter {

    private final String targetAuthority;
    private final Set<String> notForwarded;

    HeaderFilter(String targetAuthority, boolean forwardAuthorization, boolean forwardCookies) {
        this.targetAuthority = targetAuthority;
        Set<String> drop = new HashSet<>(Set.of("host", "origin", "expect"));
        if (!forwardAuthorization) {
            drop.add("authorization");
        }
        if (!forwardCookies) {
            drop.add("cookie");
        }
        this.notForwarded = Set.copyOf(drop);
    }

    /** The headers of the local request, built from the headers that came through the tunnel. */
    MultiMap toTarget(List<Header> headers) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (Header h : HopByHop.stripHeaders(headers, notForwarded)) {
            out.add(h.name(), h.value());
        }
        out.set("Host", targetAuthority);
        return out;
    }

    /** The headers of the local response as they go back through the tunnel. */
    static List<Header> toGateway(MultiMap headers) {
        return HopByHop.strip(headers, Set.of());
    }
}
