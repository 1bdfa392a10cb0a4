package dev.localbridge.gateway.proxy;

import java.util.Map;

import dev.localbridge.protocol.HttpSyntax;

/**
 * The checks a response head from an agent or a relaying replica must pass before any of it reaches a caller: header
 * names are RFC 9110 tokens, values carry no CR, LF or NUL (either could start a header or a response of the
 * attacker's choosing), and the Content-Length, when present, is one number.
 */
final class ResponseHeads {

    /** A head that breaks these rules; the message says which rule, for the gateway's log and the 502. */
    static final class Violation extends Exception {
        Violation(String message) {
            super(message, null, false, false);
        }
    }

    private ResponseHeads() {
    }

    /** Checks every field, and returns the announced Content-Length, or -1 when there is none. */
    static long check(Iterable<Map.Entry<String, String>> headers) throws Violation {
        long length = -1;
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            if (!HttpSyntax.isToken(name)) {
                throw new Violation("a header name that is not a token");
            }
            String value = h.getValue();
            if (!HttpSyntax.isFieldValue(value)) {
                throw new Violation("a CR, LF or NUL in the value of " + name);
            }
            if (name.equalsIgnoreCase("content-length")) {
                length = contentLength(value, length);
            }
        }
        return length;
    }

    /** One Content-Length: a list of equal numbers counts as that number (RFC 9110 8.6), anything else is refused. */
    private static long contentLength(String value, long soFar) throws Violation {
        long length = soFar;
        for (String part : value.split(",", -1)) {
            String digits = part.trim();
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new Violation("a malformed Content-Length");
            }
            long n = Long.parseLong(digits);
            if (length >= 0 && n != length) {
                throw new Violation("Content-Length values that disagree");
            }
            length = n;
        }
        return length;
    }
}
