package dev.localbridge.session.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.localbridge.session.SessionConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Redis store only: subscribes to {@code <prefix>events}, where the Lua scripts publish every change atomically with
 * it, and hands each event to this replica's {@link ChangeFeed}. Resubscribes after Redis drops the connection.
 */
@ApplicationScoped
public class RedisEventRelay {

    private static final long RESUBSCRIBE_DELAY_MS = 1000;

    private final SessionConfig config;
    private final Instance<ReactiveRedisDataSource> redis;
    private final ChangeFeed feed;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;

    RedisEventRelay(SessionConfig config, Instance<ReactiveRedisDataSource> redis, ChangeFeed feed, ObjectMapper json,
            Vertx vertx) {
        this.config = config;
        this.redis = redis;
        this.feed = feed;
        this.json = json;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (config.sessionStore() == SessionConfig.StoreKind.redis) {
            subscribe();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        var current = subscriber;
        if (current != null) {
            current.unsubscribe().subscribe().with(ok -> { }, failure -> { });
        }
    }

    /** Whether the pub/sub subscription is currently established. */
    public boolean isSubscribed() {
        return subscribed.get();
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        String channel = config.redis().keyPrefix() + "events";
        redis.get().pubsub(String.class)
                .subscribe(channel, this::onMessage, this::onEnd, this::onFailure)
                .subscribe().with(s -> {
                    subscriber = s;
                    subscribed.set(true);
                    Log.infof("change feed: subscribed to Redis channel %s", channel);
                }, this::onFailure);
    }

    private void onMessage(String message) {
        try {
            feed.publish(json.readValue(message, ChangeEvent.class));
        } catch (Exception e) {
            Log.warnf("change feed: dropping malformed event %s (%s)", message, e.getMessage());
        }
    }

    private void onEnd() {
        subscribed.set(false);
        if (!stopped) {
            Log.warn("change feed: Redis subscription ended, resubscribing");
            resubscribeLater();
        }
    }

    private void onFailure(Throwable failure) {
        boolean was = subscribed.getAndSet(false);
        if (stopped) {
            return;
        }
        if (was) {
            Log.warnf("change feed: Redis subscription failed (%s), resubscribing", failure.toString());
        } else {
            Log.debugf("change feed: subscribing failed (%s), retrying", failure.toString());
        }
        resubscribeLater();
    }

    private void resubscribeLater() {
        if (retryScheduled.compareAndSet(false, true)) {
            vertx.setTimer(RESUBSCRIBE_DELAY_MS, id -> {
                retryScheduled.set(false);
                subscribe();
            });
        }
    }
}
