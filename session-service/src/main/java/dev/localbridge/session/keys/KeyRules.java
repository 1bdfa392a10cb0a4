package dev.localbridge.session.keys;

import dev.localbridge.protocol.HttpSyntax;
import dev.localbridge.session.api.Require;
import dev.localbridge.session.api.SessionFailure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of access key requests; each refusal is a 400 {@code BAD_REQUEST} naming the field and the rule. */
final class KeyRules {

    /** Most methods and most path prefixes one key may carry. */
    static final int MAX_ENTRIES = 20;
    /** Most uses one usage report may carry. */
    static final int MAX_USES = 1000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern KEY_HASH = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_METHOD = 32;
    private static final int MAX_PREFIX = 512;

    private KeyRules() {
    }

    static NewKey newKey(CreateKeyRequest request) {
        Require.body(request);
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            throw SessionFailure.badRequest("name must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (request.expiresAt() != null && request.expiresAt() <= 0) {
            throw SessionFailure.badRequest("expiresAt must be epoch milliseconds in the future, or null");
        }
        return new NewKey(request.name(), keyHash(request.keyHash()), request.expiresAt(), methods(request.methods()),
                pathPrefixes(request.pathPrefixes()));
    }

    static String keyHash(String keyHash) {
        if (keyHash == null || !KEY_HASH.matcher(keyHash).matches()) {
            throw SessionFailure.badRequest("keyHash must be the lowercase hex SHA-256 of the key (64 characters)");
        }
        return keyHash;
    }

    static List<KeyUsage.Use> uses(KeyUsage usage) {
        Require.body(usage);
        List<KeyUsage.Use> used = usage.used() == null ? List.of() : usage.used();
        if (used.size() > MAX_USES) {
            throw SessionFailure.badRequest("used carries more than " + MAX_USES + " entries: send several reports");
        }
        for (KeyUsage.Use use : used) {
            if (use == null || !KeyIds.wellFormed(use.keyId())) {
                throw SessionFailure.badRequest("used[].keyId must be a key id (20 characters a-z, 0-9)");
            }
            if (use.at() <= 0) {
                throw SessionFailure.badRequest("used[].at must be epoch milliseconds");
            }
        }
        return used;
    }

    /** Upper-cased, without repeats; null stays null (any method). */
    private static List<String> methods(List<String> methods) {
        if (methods == null) {
            return null;
        }
        entries(methods, "methods");
        Set<String> upper = new LinkedHashSet<>();
        for (String method : methods) {
            if (method == null || method.length() > MAX_METHOD || !HttpSyntax.isToken(method)) {
                throw SessionFailure.badRequest("methods must be HTTP method tokens (RFC 9110) of at most "
                        + MAX_METHOD + " characters");
            }
            upper.add(method.toUpperCase(Locale.ROOT));
        }
        return List.copyOf(upper);
    }

    /** Without repeats; null stays null (any path). */
    private static List<String> pathPrefixes(List<String> prefixes) {
        if (prefixes == null) {
            return null;
        }
        entries(prefixes, "pathPrefixes");
        Set<String> distinct = new LinkedHashSet<>();
        for (String prefix : prefixes) {
            if (prefix == null || !prefix.startsWith("/") || prefix.length() > MAX_PREFIX || !visibleAscii(prefix)) {
                throw SessionFailure.badRequest("pathPrefixes must start with '/' and be at most " + MAX_PREFIX
                        + " visible ASCII characters (no spaces or controls)");
            }
            distinct.add(prefix);
        }
        return List.copyOf(distinct);
    }

    private static void entries(List<String> values, String field) {
        if (values.isEmpty()) {
            throw SessionFailure.badRequest(field + " must be null (any) or a non-empty list");
        }
        if (values.size() > MAX_ENTRIES) {
            throw SessionFailure.badRequest(field + " may have at most " + MAX_ENTRIES + " entries");
        }
    }

    private static boolean visibleAscii(String s) {
        return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
