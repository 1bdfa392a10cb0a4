package dev.localbridge.session.keys;

import java.util.List;

/** Answer of {@code GET /api/users/{userId}/keys}: the user's live keys, oldest first. */
public record KeyList(List<KeyRecord> keys) {
}
