package dev.localbridge.session.users;

/**
 * A user's revocation: tokens issued before {@code notBefore} (epoch ms) and access keys created before it are refused.
 *
 * @param userId    whose access was revoked
 * @param notBefore epoch ms of the store's clock
 */
public record Revocation(String userId, long notBefore) {
}
