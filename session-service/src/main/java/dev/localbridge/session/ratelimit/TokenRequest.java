package dev.localbridge.session.ratelimit;

/**
 * Body of {@code POST /api/ratelimit/tokens}.
 *
 * @param userId    whose budget
 * @param requested tokens wanted; {@code null} or {@code 0} means "the recommended batch". Never more than the
 *                  batch size is granted at once.
 */
public record TokenRequest(String userId, Integer requested) {
}
