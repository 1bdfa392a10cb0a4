package dev.localbridge.session.users;

import java.util.List;

/** Answer of {@code GET /api/revocations}: every user's not-before, which a gateway loads whenever its feed (re)subscribes. */
public record Revocations(List<Revocation> revocations) {
}
