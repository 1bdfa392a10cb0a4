package dev.localbridge.session.keys;

import java.util.List;

/** A validated {@link CreateKeyRequest} (see {@link KeyRules}), as the stores take it. */
public record NewKey(String name, String keyHash, Long expiresAt, List<String> methods, List<String> pathPrefixes) {
}
