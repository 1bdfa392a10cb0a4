package dev.localbridge.session.ratelimit;

/**
 * Batch size for token leasing: {@code max(1, min(limit / (10 x nodes), maxBatch))}. Tokens that gateways hold
 * but never use are lost at the end of the window; with at most one outstanding batch per gateway that loss is below
 * {@code (nodes - 1) x limit / (10 x nodes) < limit / 10}, so a user is refused only after at least 90 % of the
 * limit was admitted; grants are atomic, so more than 100 % is never admitted.
 */
final class BatchSizing {

    private BatchSizing() {
    }

    static int batchSize(long limit, int liveNodes, int maxBatch) {
        long perNode = limit / (10L * Math.max(1, liveNodes));
        return (int) Math.max(1, Math.min(perNode, maxBatch));
    }
}
