package dev.localbridge.session.users;

/**
 * Answer of {@code POST /api/users/{userId}/tunnels/close}: the close was announced to every gateway at {@code at}.
 *
 * @param userId whose tunnels
 * @param at     epoch ms of the store's clock
 */
public record TunnelsClosed(String userId, long at) {
}
