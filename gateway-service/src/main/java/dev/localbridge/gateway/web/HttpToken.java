package dev.localbridge.gateway.web;

/** RFC 9110's {@code token}: what a header name, or an unquoted RFC 7239 value, may consist of. */
final class HttpToken {

    private static final String SYMBOLS = "!#$%&'*+-.^_`|~";

    private HttpToken() {
    }

    static boolean is(String value) {
        return !value.isEmpty()
                && value.chars().allMatch(c -> c < 0x7F && (Character.isLetterOrDigit(c) || SYMBOLS.indexOf(c) >= 0));
    }
}
