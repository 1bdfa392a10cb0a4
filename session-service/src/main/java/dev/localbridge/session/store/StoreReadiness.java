package dev.localbridge.session.store;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.events.RedisEventRelay;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Readiness: DOWN while Redis does not answer a PING within {@code tunnel.redis.timeout}. Non-blocking and bounded,
 * so the probe never hangs. The memory store is always ready.
 */
@Readiness
@ApplicationScoped
class StoreReadiness implements AsyncHealthCheck {

    private static final String NAME = "session-store";

    private final SessionConfig config;
    private final Instance<ReactiveRedisDataSource> redis;
    private final RedisEventRelay relay;

    StoreReadiness(SessionConfig config, Instance<ReactiveRedisDataSource> redis, RedisEventRelay relay) {
        this.config = config;
        this.redis = redis;
        this.relay = relay;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (config.sessionStore() == SessionConfig.StoreKind.memory) {
            return Uni.createFrom().item(HealthCheckResponse.named(NAME).up()
                    .withData("store", "memory").withData("note", "single replica only").build());
        }
        Duration timeout = Duration.ofMillis(config.redis().timeout());
        return redis.get().execute("PING")
                .ifNoItem().after(timeout).fail()
                .map(pong -> HealthCheckResponse.named(NAME).up()
                        .withData("store", "redis")
                        .withData("changeFeedSubscribed", relay.isSubscribed())
                        .build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("store", "redis")
                        .withData("error", String.valueOf(failure.getMessage()))
                        .build());
    }
}
