package dev.localbridge.session.ratelimit;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.api.Require;
import dev.localbridge.session.api.SessionFailure;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Cluster-wide rate limiting by token leasing: a gateway takes a batch of tokens per user and admits requests
 * locally until the batch is used up, so the hot path does not call session-service per request.
 */
@Path("/api/ratelimit/tokens")
@Tag(name = "ratelimit")
@RunOnVirtualThread
public class RateLimitResource {

    private final SessionConfig.RateLimit config;
    private final RateLimitStore store;

    RateLimitResource(SessionConfig config, Instance<RedisRateLimitStore> redis,
            Instance<MemoryRateLimitStore> memory) {
        this.config = config.rateLimit();
        this.store = config.sessionStore() == SessionConfig.StoreKind.redis ? redis.get() : memory.get();
    }

    @POST
    @Operation(summary = "Lease a batch of rate-limit tokens for a user in the current window",
            description = "Grants min(requested, batchSize, what is left); batchSize = max(1, min(limit / (10 x live "
                    + "nodes), maxBatch)). granted = 0 means the limit is reached until windowEnd.")
    public TokenGrant take(TokenRequest request) {
        Require.body(request);
        String userId = Require.text(request.userId(), "userId");
        int requested = request.requested() == null ? 0 : request.requested();
        if (requested < 0) {
            throw SessionFailure.badRequest("requested must not be negative");
        }
        return store.take(userId, requested, config.maxRequests(), config.window(), config.maxBatch());
    }

    @POST
    @Path("/return")
    @Operation(summary = "Give unused tokens back (a draining gateway)")
    public void giveBack(TokenReturn request) {
        Require.body(request);
        if (request.tokens() > 0) {
            store.giveBack(Require.text(request.userId(), "userId"), request.tokens(), request.windowStart());
        }
    }
}
