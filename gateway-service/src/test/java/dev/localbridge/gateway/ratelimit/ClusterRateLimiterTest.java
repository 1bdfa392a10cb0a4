package dev.localbridge.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.localbridge.gateway.ownership.ClusterProfile;
import dev.localbridge.gateway.ownership.SessionClient;
import dev.localbridge.gateway.ownership.SessionServiceResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** Two replicas' limiters sharing one real session-service: the cluster-wide limit holds, in token batches. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ClusterRateLimiterTest {

    @Inject
    SessionClient session;

    @Inject
    LocalRateLimiter local;

    @Inject
    RateLimiter selected;

    @Inject
    MeterRegistry registry;

    @Test
    void clusteredGatewaySelectsTheClusterLimiter() {
        assertThat(selected.acquire("probe-" + UUID.randomUUID()).toCompletionStage().toCompletableFuture()
                .join().limit()).isEqualTo(SessionServiceResource.RATE_LIMIT);
    }

    @Test
    void twoReplicasHammeredAtOnceNeverAdmitMoreThanTheLimitAndCallSessionServiceOncePerBatch() throws Exception {
        String user = "hammered-" + UUID.randomUUID();
        ClusterRateLimiter replicaA = new ClusterRateLimiter(session, local, SessionServiceResource.RATE_LIMIT);
        ClusterRateLimiter replicaB = new ClusterRateLimiter(session, local, SessionServiceResource.RATE_LIMIT);
        double callsBefore = tokenCalls();
        int requests = 5 * SessionServiceResource.RATE_LIMIT;

        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<CompletableFuture<RateLimiter.Decision>> decisions = new ArrayList<>();
        try {
            List<CompletableFuture<CompletableFuture<RateLimiter.Decision>>> submitted = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                RateLimiter replica = i % 2 == 0 ? replicaA : replicaB;
                submitted.add(CompletableFuture.supplyAsync(
                        () -> replica.acquire(user).toCompletionStage().toCompletableFuture(), callers));
            }
            for (var s : submitted) {
                decisions.add(s.get(10, TimeUnit.SECONDS));
            }
            CompletableFuture.allOf(decisions.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }

        long admitted = decisions.stream().filter(d -> d.join().allowed()).count();
        assertThat(admitted).isEqualTo(SessionServiceResource.RATE_LIMIT);
        RateLimiter.Decision refused = decisions.stream().map(CompletableFuture::join).filter(d -> !d.allowed())
                .findFirst().orElseThrow();
        assertThat(refused.limit()).isEqualTo(SessionServiceResource.RATE_LIMIT);
        assertThat(refused.resetEpochSeconds()).isGreaterThan(System.currentTimeMillis() / 1000);

        double calls = tokenCalls() - callsBefore;
        assertThat(calls).as("token calls for %d requests", requests)
                .isLessThanOrEqualTo(SessionServiceResource.RATE_LIMIT / 2.0 + 2);
        assertThat(replicaA.acquire(user).toCompletionStage().toCompletableFuture().join().allowed()).isFalse();
        assertThat(tokenCalls() - callsBefore).as("an exhausted window costs no further call").isEqualTo(calls);
    }

    private double tokenCalls() {
        var counter = registry.find("localbridge.session.calls").tag("op", "tokens").counter();
        return counter == null ? 0 : counter.count();
    }
}
