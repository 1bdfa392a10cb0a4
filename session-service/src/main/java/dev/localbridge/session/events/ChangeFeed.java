package dev.localbridge.session.events;

import dev.localbridge.session.SessionConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Fan-out of change events to this replica's SSE subscribers. With Redis, {@link RedisEventRelay} feeds it from the
 * pub/sub channel (so every replica sees every event); with the memory store the store publishes here directly.
 */
@ApplicationScoped
public class ChangeFeed {

    /** Events a slow subscriber may lag behind before its stream fails (it then resubscribes and drops its cache). */
    private static final int SUBSCRIBER_BUFFER = 4096;

    private final BroadcastProcessor<ChangeEvent> processor = BroadcastProcessor.create();
    private final Duration pingInterval;

    ChangeFeed(SessionConfig config) {
        this.pingInterval = Duration.ofMillis(config.events().pingInterval());
    }

    /** Delivers {@code event} to every current subscriber of this replica. */
    public void publish(ChangeEvent event) {
        processor.onNext(event);
    }

    /** A subscriber's stream: {@code subscribed} first (once it is attached), then events and periodic pings. */
    Multi<ChangeEvent> subscribe() {
        Multi<ChangeEvent> events = processor.onOverflow().buffer(SUBSCRIBER_BUFFER);
        Multi<ChangeEvent> pings = Multi.createFrom().ticks().every(pingInterval).map(tick -> ChangeEvent.ping());
        // merging subscribes in order: the processor is attached before "subscribed" is emitted
        return Multi.createBy().merging().streams(events, Multi.createFrom().item(ChangeEvent.subscribed()), pings);
    }
}
