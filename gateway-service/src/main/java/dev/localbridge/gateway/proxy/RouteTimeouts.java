package dev.localbridge.gateway.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Request timeouts by path prefix ({@code TUNNEL_REQUEST_TIMEOUT_ROUTES=/api/chat=300000,/api/generate=300000}), since
 * a cold LLM can take minutes to its first byte. The longest matching prefix wins; otherwise the default applies.
 */
final class RouteTimeouts {

    private record Rule(String prefix, long millis) {
    }

    private final long defaultMillis;
    private final List<Rule> rules;

    RouteTimeouts(long defaultMillis, List<String> specs) {
        this.defaultMillis = defaultMillis;
        List<Rule> parsed = new ArrayList<>();
        for (String spec : specs) {
            int eq = spec.lastIndexOf('=');
            if (eq <= 0 || !spec.startsWith("/")) {
                throw new IllegalArgumentException("TUNNEL_REQUEST_TIMEOUT_ROUTES entry '" + spec
                        + "' is not of the form /path/prefix=millis");
            }
            parsed.add(new Rule(spec.substring(0, eq).trim(), Long.parseLong(spec.substring(eq + 1).trim())));
        }
        parsed.sort(Comparator.comparingInt((Rule r) -> r.prefix().length()).reversed());
        this.rules = List.copyOf(parsed);
    }

    long forTarget(String target) {
        for (Rule rule : rules) {
            if (target.startsWith(rule.prefix())) {
                return rule.millis();
            }
        }
        return defaultMillis;
    }
}
