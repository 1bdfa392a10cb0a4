package dev.localbridge.session.ratelimit;

/**
 * Tokens leased to one gateway for one user in the current window. The gateway admits one request per token and
 * asks again when it has none left; {@code granted == 0} means the user is over the limit until {@code windowEnd}.
 *
 * @param userId      whose budget
 * @param granted     tokens handed out now
 * @param remaining   tokens left in the cluster-wide budget after this grant
 * @param limit       requests per window ({@code TUNNEL_RATE_LIMIT_MAX_REQUESTS}), for {@code X-RateLimit-Limit}
 * @param windowStart epoch ms; the tokens are valid until {@code windowEnd} only
 * @param windowEnd   epoch ms, for {@code Retry-After} / {@code X-RateLimit-Reset}
 * @param batchSize   the batch size in force ({@code max(1, min(limit / (10 x nodes), maxBatch))})
 */
public record TokenGrant(String userId, long granted, long remaining, long limit, long windowStart, long windowEnd,
        int batchSize) {
}
