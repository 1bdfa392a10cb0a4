package dev.localbridge.session.api;

import java.util.regex.Pattern;

/** Request validation that answers 400 with the field's name. */
public final class Require {

    /** A DNS name or IPv4 address, or an IPv6 literal in brackets; then a port. */
    private static final Pattern HOST_PORT = Pattern.compile(
            "(?:[A-Za-z0-9._-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}(?:%[A-Za-z0-9._-]{1,32})?\\]):([0-9]{1,5})");

    private Require() {
    }

    /** The value, or a 400 {@code BAD_REQUEST} naming {@code field} when it is missing or blank. */
    public static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw SessionFailure.badRequest(field + " is required");
        }
        if (value.length() > 512) {
            throw SessionFailure.badRequest(field + " is longer than 512 characters");
        }
        return value;
    }

    /**
     * The value, or a 400 naming {@code field} unless it is {@code host:port} (a DNS name or IPv4 address of at most
     * 253 characters, or a bracketed IPv6 literal; port 1 to 65535), which is how other replicas dial it.
     */
    public static String hostPort(String value, String field) {
        text(value, field);
        var match = HOST_PORT.matcher(value);
        if (!match.matches() || Integer.parseInt(match.group(1)) < 1 || Integer.parseInt(match.group(1)) > 65535) {
            throw SessionFailure.badRequest(field + " must be host:port (port 1-65535), got '"
                    + (value.length() > 80 ? value.substring(0, 80) + "…" : value) + "'");
        }
        return value;
    }

    /** {@code null} when the value is absent (null or blank), else {@link #hostPort}. */
    public static String optionalHostPort(String value, String field) {
        return value == null || value.isBlank() ? null : hostPort(value, field);
    }

    /** The body, or a 400 when it is missing. */
    public static <T> T body(T body) {
        if (body == null) {
            throw SessionFailure.badRequest("request body is required");
        }
        return body;
    }
}
