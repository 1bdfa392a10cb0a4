package dev.localbridge.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.protocol.Header;
import dev.localbridge.protocol.HttpSyntax;
import io.vertx.core.http.HttpServerRequest;

/**
 * What the local service learns about the caller: the gateway's own view, never what the caller claims. Callers'
 * forwarding headers are removed and replaced by {@code X-Forwarded-For} (the peer's address),
 * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and an RFC 7239 {@code Forwarded} element. Only when the direct
 * peer is a trusted proxy (the ingress, {@code TUNNEL_TRUSTED_PROXIES}) is its chain kept and extended by the peer's
 * address, and its {@code Proto}/{@code Host}/{@code Port}/{@code Prefix} kept.
 *
 * <p>The peer is the TCP peer: Quarkus' own forwarding ({@code quarkus.http.proxy.proxy-address-forwarding}) would
 * make {@code remoteAddress()} whatever a header says, so the gateway refuses to start with it on.
 */
@ApplicationScoped
public class ForwardedHeaders {

    private static final String FOR = "x-forwarded-for";
    private static final String PROTO = "x-forwarded-proto";
    private static final String HOST = "x-forwarded-host";
    private static final String FORWARDED = "forwarded";
    private static final Set<String> FORWARDING = Set.of(FOR, PROTO, HOST, FORWARDED, "x-forwarded-port",
            "x-forwarded-prefix", "x-real-ip");

    private final TrustedProxies trusted;

    ForwardedHeaders(GatewayConfig config, Config quarkus) {
        if (quarkus.getOptionalValue("quarkus.http.proxy.proxy-address-forwarding", Boolean.class).orElse(false)) {
            throw new IllegalStateException("quarkus.http.proxy.proxy-address-forwarding must stay off: the gateway"
                    + " reads forwarding headers itself, from the peers in TUNNEL_TRUSTED_PROXIES only");
        }
        this.trusted = TrustedProxies.parse(config.web().trustedProxies());
    }

    /**
     * {@code headers} (the caller's, already without hop-by-hop headers) with the forwarding headers replaced, or
     * extended when the peer is a trusted proxy. Returns a new list.
     */
    public List<Header> replace(HttpServerRequest request, List<Header> headers) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        boolean fromProxy = peer != null && trusted.contains(peer);
        List<Header> out = new ArrayList<>(headers.size() + 4);
        List<String> chain = new ArrayList<>();
        List<String> elements = new ArrayList<>();
        boolean hasProto = false;
        boolean hasHost = false;
        for (Header h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!FORWARDING.contains(name)) {
                out.add(h);
            } else if (fromProxy) {
                switch (name) {
                    case FOR -> chain.add(h.value());
                    case FORWARDED -> elements.add(h.value());
                    default -> {
                        hasProto |= name.equals(PROTO);
                        hasHost |= name.equals(HOST);
                        out.add(h);
                    }
                }
            }
        }
        String scheme = request.scheme() == null ? "http" : request.scheme();
        String authority = request.authority() == null ? null : request.authority().toString();
        if (peer != null) {
            chain.add(peer);
        }
        elements.add(element(peer, authority, scheme));
        if (!chain.isEmpty()) {
            out.add(new Header("X-Forwarded-For", String.join(", ", chain)));
        }
        out.add(new Header("Forwarded", String.join(", ", elements)));
        if (!hasProto) {
            out.add(new Header("X-Forwarded-Proto", scheme));
        }
        if (!hasHost && authority != null) {
            out.add(new Header("X-Forwarded-Host", authority));
        }
        return out;
    }

    /** This hop's RFC 7239 element: who connected, to which host, over which scheme. */
    private static String element(String peer, String authority, String scheme) {
        String node = peer == null ? "unknown" : peer.indexOf(':') >= 0 ? "\"[" + peer + "]\"" : peer;
        StringBuilder element = new StringBuilder("for=").append(node);
        if (authority != null) {
            element.append(";host=").append(quoted(authority));
        }
        return element.append(";proto=").append(scheme).toString();
    }

    /** A value as RFC 7239 allows it: a token as is, anything else (such as {@code host:port}) quoted. */
    private static String quoted(String value) {
        if (HttpSyntax.isToken(value)) {
            return value;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
