package dev.localbridge.agent;

import dev.localbridge.protocol.Header;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides which header fields cross the agent. Hop-by-hop fields (RFC 9110 §7.6.1, plus the names listed in
 * {@code Connection}) are stripped both ways. Towards the local target, {@code Host} is rewritten to the target's
 * authority, {@code Origin} and {@code Expect} are dropped (Ollama answers 403 to foreign origins; the gateway has
 * already accepted the body), and {@code Authorization} and {@code Cookie} are dropped unless configured.
 */
final class HeaderFilter {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private final String targetAuthority;
    private final boolean forwardAuthorization;
    private final boolean forwardCookies;

    HeaderFilter(String targetAuthority, boolean forwardAuthorization, boolean forwardCookies) {
        this.targetAuthority = targetAuthority;
        this.forwardAuthorization = forwardAuthorization;
        this.forwardCookies = forwardCookies;
    }

    /** The headers of the local request, built from the headers that came through the tunnel. */
    MultiMap toTarget(List<Header> headers) {
        Set<String> dropped = connectionListed(headers);
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (Header h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || dropped.contains(name)) {
                continue;
            }
            switch (name) {
                case "host", "origin", "expect" -> {
                }
                case "authorization" -> {
                    if (forwardAuthorization) {
                        out.add(h.name(), h.value());
                    }
                }
                case "cookie" -> {
                    if (forwardCookies) {
                        out.add(h.name(), h.value());
                    }
                }
                default -> out.add(h.name(), h.value());
            }
        }
        out.set("Host", targetAuthority);
        return out;
    }

    /** The headers of the local response as they go back through the tunnel. */
    static List<Header> toGateway(MultiMap headers) {
        List<Header> in = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> e : headers) {
            in.add(new Header(e.getKey(), e.getValue()));
        }
        Set<String> dropped = connectionListed(in);
        List<Header> out = new ArrayList<>(in.size());
        for (Header h : in) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !dropped.contains(name)) {
                out.add(h);
            }
        }
        return out;
    }

    /** Lower-case names that {@code Connection} headers declare hop-by-hop. */
    private static Set<String> connectionListed(List<Header> headers) {
        Set<String> names = new HashSet<>();
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase("connection")) {
                for (String token : h.value().split(",")) {
                    String name = token.strip().toLowerCase(Locale.ROOT);
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }
}
