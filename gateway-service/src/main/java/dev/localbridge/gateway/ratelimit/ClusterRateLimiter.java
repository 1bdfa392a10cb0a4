package dev.localbridge.gateway.ratelimit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.ownership.SessionClient;
import dev.localbridge.gateway.ownership.SessionUnavailable;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;

/**
 * The cluster-wide limit ({@code TUNNEL_RATE_LIMIT_MAX_REQUESTS} per {@code TUNNEL_RATE_LIMIT_WINDOW} per user, across
 * all replicas) by token leasing: this replica takes a batch of tokens for a user from session-service
 * ({@code POST /api/ratelimit/tokens}) and admits one request per token without further calls. Only when the user's
 * batch is used up does a request wait for the next one; one call is in flight per user, and the requests that arrive
 * meanwhile queue behind it and are served from its grant in arrival order (another batch is fetched while some still
 * wait). {@code granted = 0} denies until the window ends. Grants are atomic on session-service, so the cluster never
 * admits more than the limit.
 *
 * <p>When session-service cannot be reached, requests are counted by this replica's own {@link LocalRateLimiter}
 * instead (said once in the log) and session-service is tried again after {@value #FALLBACK_RETRY_MS} ms.
 */
final class ClusterRateLimiter implements RateLimiter {

    private static final Logger LOG = Logger.getLogger(ClusterRateLimiter.class);
    static final long FALLBACK_RETRY_MS = 5000;
    private static final int MAX_USERS = 100_000;

    @RegisterForReflection
    record TokenRequest(String userId, Integer requested) {
    }

    @RegisterForReflection
    record TokenGrant(String userId, long granted, long remaining, long limit, long windowStart, long windowEnd,
            int batchSize) {
    }

    @RegisterForReflection
    record TokenReturn(String userId, long tokens, long windowStart) {
    }

    /** One user's tokens on this replica in the current window; guarded by its own monitor. */
    private static final class Bucket {
        long windowStart;
        long windowEnd;
        int limit;
        long clusterRemaining;
        long tokens;
        boolean exhausted;
        boolean refilling;
        final ArrayDeque<Promise<Decision>> waiters = new ArrayDeque<>();
    }

    private final SessionClient session;
    private final RateLimiter fallback;
    private final int configuredMax;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long fallbackUntil;
    private volatile boolean inFallback;

    ClusterRateLimiter(SessionClient session, RateLimiter fallback, int configuredMax) {
        this.session = session;
        this.fallback = fallback;
        this.configuredMax = configuredMax;
    }

    @Override
    public Future<Decision> acquire(String userId) {
        if (configuredMax <= 0) {
            return Future.succeededFuture(new Decision(true, 0, 0, 0));
        }
        long now = System.currentTimeMillis();
        if (now < fallbackUntil) {
            return Future.succeededFuture(fallback.tryAcquire(userId));
        }
        Bucket bucket = bucket(userId, now);
        Promise<Decision> waiter;
        boolean startRefill = false;
        synchronized (bucket) {
            expireWindow(bucket, now);
            if (bucket.tokens > 0 && bucket.waiters.isEmpty()) {
                return Future.succeededFuture(take(bucket));
            }
            if (bucket.exhausted) {
                return Future.succeededFuture(denied(bucket));
            }
            waiter = Promise.promise();
            bucket.waiters.add(waiter);
            if (!bucket.refilling) {
                bucket.refilling = true;
                startRefill = true;
            }
        }
        if (startRefill) {
            refill(userId, bucket);
        }
        return SessionClient.onCallerContext(waiter.future());
    }

    /**
     * Answers from what is here now: a local token, the window's denial, or (while no token is here) this replica's
     * own count, fetching a batch for the next request. Prefer {@link #acquire}: only it is exact cluster-wide.
     */
    @Override
    public Decision tryAcquire(String userId) {
        if (configuredMax <= 0) {
            return new Decision(true, 0, 0, 0);
        }
        long now = System.currentTimeMillis();
        if (now >= fallbackUntil) {
            Bucket bucket = bucket(userId, now);
            boolean startRefill = false;
            synchronized (bucket) {
                expireWindow(bucket, now);
                if (bucket.tokens > 0 && bucket.waiters.isEmpty()) {
                    return take(bucket);
                }
                if (bucket.exhausted) {
                    return denied(bucket);
                }
                if (!bucket.refilling) {
                    bucket.refilling = true;
                    startRefill = true;
                }
            }
            if (startRefill) {
                refill(userId, bucket);
            }
        }
        return fallback.tryAcquire(userId);
    }

    /** Gives the tokens this replica holds back to the window (a draining replica); best effort. */
    void returnUnused() {
        long now = System.currentTimeMillis();
        buckets.forEach((userId, bucket) -> {
            long tokens;
            long windowStart;
            synchronized (bucket) {
                tokens = now < bucket.windowEnd ? bucket.tokens : 0;
                windowStart = bucket.windowStart;
                bucket.tokens = 0;
            }
            if (tokens > 0) {
                session.call("tokens-return", HttpMethod.POST, "/api/ratelimit/tokens/return",
                        new TokenReturn(userId, tokens, windowStart));
            }
        });
    }

    private void refill(String userId, Bucket bucket) {
        session.call("tokens", HttpMethod.POST, "/api/ratelimit/tokens", new TokenRequest(userId, null))
                .map(reply -> {
                    if (!reply.ok()) {
                        throw new SessionUnavailable("tokens answered " + reply.status() + " "
                                + session.errorCode(reply));
                    }
                    return session.decode(reply, TokenGrant.class);
                })
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        granted(userId, bucket, ar.result());
                    } else {
                        unavailable(userId, bucket, ar.cause());
                    }
                });
    }

    private void granted(String userId, Bucket bucket, TokenGrant grant) {
        if (inFallback) {
            inFallback = false;
            LOG.infof("session-service %s answers again: rate limits are cluster-wide again", session.baseUrl());
        }
        List<Promise<Decision>> served = new ArrayList<>();
        List<Decision> answers = new ArrayList<>();
        boolean again;
        synchronized (bucket) {
            if (grant.windowStart() != bucket.windowStart) {
                bucket.tokens = 0;
            }
            bucket.windowStart = grant.windowStart();
            bucket.windowEnd = grant.windowEnd();
            bucket.limit = (int) Math.min(Integer.MAX_VALUE, grant.limit());
            bucket.clusterRemaining = grant.remaining();
            bucket.tokens += grant.granted();
            bucket.exhausted = grant.granted() == 0;
            while (!bucket.waiters.isEmpty() && (bucket.tokens > 0 || bucket.exhausted)) {
                served.add(bucket.waiters.poll());
                answers.add(bucket.tokens > 0 ? take(bucket) : denied(bucket));
            }
            again = !bucket.waiters.isEmpty();
            bucket.refilling = again;
        }
        for (int i = 0; i < served.size(); i++) {
            served.get(i).complete(answers.get(i));
        }
        if (again) {
            refill(userId, bucket);
        }
    }

    private void unavailable(String userId, Bucket bucket, Throwable cause) {
        fallbackUntil = System.currentTimeMillis() + FALLBACK_RETRY_MS;
        if (!inFallback) {
            inFallback = true;
            LOG.warnf("session-service %s unreachable for rate limiting (%s): each replica now limits users on its "
                    + "own (TUNNEL_RATE_LIMIT_MAX_REQUESTS per replica) until it is back", session.baseUrl(),
                    cause.getMessage());
        }
        List<Promise<Decision>> waiting;
        synchronized (bucket) {
            waiting = new ArrayList<>(bucket.waiters);
            bucket.waiters.clear();
            bucket.refilling = false;
        }
        waiting.forEach(waiter -> waiter.complete(fallback.tryAcquire(userId)));
    }

    private Bucket bucket(String userId, long now) {
        if (buckets.size() > MAX_USERS) {
            buckets.entrySet().removeIf(e -> stale(e, now));
        }
        return buckets.computeIfAbsent(userId, k -> new Bucket());
    }

    private static boolean stale(Map.Entry<String, Bucket> entry, long now) {
        Bucket bucket = entry.getValue();
        synchronized (bucket) {
            return now >= bucket.windowEnd && !bucket.refilling && bucket.waiters.isEmpty();
        }
    }

    /** Tokens are valid in their window only. */
    private static void expireWindow(Bucket bucket, long now) {
        if (now >= bucket.windowEnd) {
            bucket.tokens = 0;
            bucket.exhausted = false;
        }
    }

    private static Decision take(Bucket bucket) {
        bucket.tokens--;
        long remaining = Math.max(0, bucket.clusterRemaining + bucket.tokens);
        return new Decision(true, bucket.limit, (int) Math.min(Integer.MAX_VALUE, remaining),
                bucket.windowEnd / 1000);
    }

    private static Decision denied(Bucket bucket) {
        return new Decision(false, bucket.limit, 0, (bucket.windowEnd + 999) / 1000);
    }
}
