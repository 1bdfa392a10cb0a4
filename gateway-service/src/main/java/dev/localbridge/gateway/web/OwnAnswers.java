package dev.localbridge.gateway.web;

import java.util.List;
import java.util.Locale;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * The security headers of every answer the gateway makes itself (JSON resources, error envelopes, preflights, refused
 * upgrades): not to be sniffed into another type, cached, framed, or to leak its URL as a referrer.
 */
final class OwnAnswers {

    private static final String CSP = "Content-Security-Policy";
    private static final String FRAME_ANCESTORS = "frame-ancestors 'none'";

    private OwnAnswers() {
    }

    static void apply(MultiMap headers) {
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        headers.set("Referrer-Policy", "no-referrer");
        List<String> policies = headers.getAll(CSP);
        if (policies.isEmpty()) {
            headers.set(CSP, FRAME_ANCESTORS);
        } else if (policies.stream().noneMatch(p -> p.toLowerCase(Locale.ROOT).contains("frame-ancestors"))) {
            String first = policies.get(0).strip();
            policies.set(0, (first.endsWith(";") || first.isEmpty() ? first : first + ";") + " " + FRAME_ANCESTORS);
            headers.set(CSP, policies);
        }
    }

    /** Adds {@code token} to {@code Vary} unless it is there already (or {@code Vary: *}). */
    static void vary(MultiMap headers, String token) {
        for (String value : headers.getAll(HttpHeaders.VARY)) {
            for (String t : value.split(",")) {
                String v = t.trim();
                if (v.equals("*") || v.equalsIgnoreCase(token)) {
                    return;
                }
            }
        }
        headers.add(HttpHeaders.VARY, token);
    }
}
