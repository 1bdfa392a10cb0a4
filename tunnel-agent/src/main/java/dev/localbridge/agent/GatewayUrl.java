package dev.localbridge.agent;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Normalises the gateway address the user gives (http, https, ws or wss) and keeps tokens out of log lines. */
final class GatewayUrl {

    /** Where the gateway terminates agent WebSockets when the URL names no path. */
    static final String DEFAULT_PATH = "/ws/tunnel";

    private static final Pattern TOKEN_PARAM = Pattern.compile("(?i)([?&;]token=)[^&#;]*");

    private GatewayUrl() {
    }

    /**
     * The WebSocket URL to dial: {@code http} becomes {@code ws}, {@code https} becomes {@code wss}, and an empty path
     * (or a bare {@code /}) becomes {@value #DEFAULT_PATH}. The query is kept (desktop setups may carry
     * {@code ?token=} there).
     *
     * @throws IllegalArgumentException when the URL is not absolute, has no host or has another scheme
     */
    static URI normalize(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("gateway URL is not a valid URL: " + redact(url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String wsScheme = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException(
                    "gateway URL must start with http://, https://, ws:// or wss://: " + redact(url));
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("gateway URL has no host: " + redact(url));
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
                ? DEFAULT_PATH : uri.getRawPath();
        StringBuilder sb = new StringBuilder(wsScheme).append("://").append(uri.getRawAuthority()).append(path);
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        return URI.create(sb.toString());
    }

    /** The text with the value of every {@code token=} query parameter replaced by {@code ***}. */
    static String redact(Object url) {
        return url == null ? "null" : TOKEN_PARAM.matcher(url.toString()).replaceAll("$1***");
    }
}
