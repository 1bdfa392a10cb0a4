package dev.localbridge.session.ratelimit;

/**
 * Body of {@code POST /api/ratelimit/tokens/return}: unused tokens a gateway gives back (e.g. when draining).
 *
 * @param userId      whose budget
 * @param tokens      unused tokens
 * @param windowStart the window they were granted for; tokens of an older window are ignored
 */
public record TokenReturn(String userId, long tokens, long windowStart) {
}
