package dev.localbridge.gateway.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A configured list of web origins, compared exactly (scheme, host and port, as browsers serialize them). No
 * wildcards: an entry that is not an origin stops the gateway at startup instead of silently matching nothing.
 */
record Origins(Set<String> allowed) {

    static Origins parse(String setting, Optional<List<String>> entries) {
        return new Origins(entries.orElse(List.of()).stream()
                .map(String::trim)
                .filter(e -> !e.isEmpty())
                .map(e -> checked(setting, e))
                .collect(Collectors.toUnmodifiableSet()));
    }

    boolean isEmpty() {
        return allowed.isEmpty();
    }

    /** Whether {@code origin} (an {@code Origin} header value) is one of the configured ones. */
    boolean allows(String origin) {
        return origin != null && allowed.contains(origin.toLowerCase(Locale.ROOT));
    }

    private static String checked(String setting, String entry) {
        String origin = entry.toLowerCase(Locale.ROOT);
        try {
            URI uri = new URI(origin);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (web && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawPath().isEmpty()
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return origin;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalStateException(setting + ": '" + entry + "' is not a web origin; write scheme://host[:port]"
                + " with no path and no wildcard, e.g. https://app.example.com");
    }
}
