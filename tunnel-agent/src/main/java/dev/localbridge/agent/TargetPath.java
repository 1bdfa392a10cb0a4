package dev.localbridge.agent;

import java.util.Locale;

/**
 * Checks the request target that arrives through the tunnel and appends it to the base path of the configured local
 * target. The target is treated as an opaque origin-form path (plus query) and never parsed as a URL, so a caller
 * cannot make the agent talk to any other host (no SSRF).
 *
 * <p>Refused: anything that does not start with exactly one {@code /} (absolute URIs, {@code *}, {@code //host}),
 * backslashes, {@code @} before the query, control characters, spaces and CR/LF, fragments, and {@code ..} segments
 * (also percent-encoded) that would climb above the base path.
 */
final class TargetPath {

    private TargetPath() {
    }

    /** A target the agent will not forward; the message says why and is safe to send back to the gateway. */
    static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The path-and-query to request from the local target.
     *
     * @param basePath the target URL's path without a trailing slash ({@code ""} for none)
     * @param target   the request target from the tunnel, e.g. {@code /api/chat?x=1}
     */
    static String resolve(String basePath, String target) throws RefusedException {
        check(target);
        return basePath + target;
    }

    /** Throws when the target breaks one of the rules in the class comment. */
    static void check(String target) throws RefusedException {
        if (target.isEmpty() || target.charAt(0) != '/') {
            throw new RefusedException("target must be a path starting with '/'");
        }
        if (target.startsWith("//")) {
            throw new RefusedException("target must not start with '//'");
        }
        int queryStart = target.indexOf('?');
        String path = queryStart < 0 ? target : target.substring(0, queryStart);
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new RefusedException("target must not contain CR or LF");
            }
            if (c <= 0x20 || c == 0x7f) {
                throw new RefusedException("target must not contain spaces or control characters");
            }
            if (c == '\\') {
                throw new RefusedException("target must not contain a backslash");
            }
            if (c == '#') {
                throw new RefusedException("target must not contain a fragment");
            }
        }
        if (path.indexOf('@') >= 0) {
            throw new RefusedException("target path must not contain '@'");
        }
        checkSegments(path);
    }

    private static void checkSegments(String path) throws RefusedException {
        // Decode the escapes that could smuggle a dot-segment or a separator past a naive check; the target server
        // may decode them before it resolves the path.
        String decoded = path.replaceAll("(?i)%2e", ".").replaceAll("(?i)%2f", "/");
        if (decoded.toLowerCase(Locale.ROOT).contains("%5c")) {
            throw new RefusedException("target must not contain a backslash");
        }
        int depth = 0;
        for (String segment : decoded.substring(1).split("/", -1)) {
            if (segment.equals("..")) {
                if (--depth < 0) {
                    throw new RefusedException("target must not climb above the base path with '..'");
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                // Empty segments do not count: servers that merge slashes would otherwise let '..' climb.
                depth++;
            }
        }
    }
}
