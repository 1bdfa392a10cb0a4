package dev.localbridge.protocol;

/**
 * RFC 9110's character rules for header fields, in one place for the codec (both directions), the gateway's checks of
 * the answers it relays, and its CORS and forwarding headers.
 */
public final class HttpSyntax {

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpSyntax() {
    }

    /** Whether {@code s} is a {@code token} (a method, a header name, an unquoted parameter value): one or more tchar. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code s} may be a header value as the project carries it: no CR, LF or NUL, the characters that could
     * end a field or a message early. Other controls and non-ASCII are the HTTP layer's business.
     */
    public static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }
}
