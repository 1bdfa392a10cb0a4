package dev.localbridge.session.api;

/** Request validation that answers 400 with the field's name. */
public final class Require {

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

    /** The body, or a 400 when it is missing. */
    public static <T> T body(T body) {
        if (body == null) {
            throw SessionFailure.badRequest("request body is required");
        }
        return body;
    }
}
