package dev.localbridge.gateway.drain;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.config.GatewayConfig;
import dev.localbridge.gateway.metrics.TunnelMetrics;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import dev.localbridge.protocol.CloseCode;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Graceful drain for rolling updates. On SIGTERM, before anything else shuts down: readiness turns DOWN, new agent
 * tunnels are refused (503, the agent goes elsewhere), every agent gets a goaway and opens its new tunnel on another
 * replica before closing this one, and in-flight streams finish here — until every tunnel is gone and every request
 * that entered here has been answered, or {@code TUNNEL_DRAIN_TIMEOUT} has passed. Then the rest of the shutdown (leases released, node deregistered) runs.
 *
 * <p>Threading: the wait blocks Quarkus' shutdown thread, never an event loop.
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class);

    private final LocalTunnels tunnels;
    private final TunnelMetrics metrics;
    private final long timeoutMillis;
    private final AtomicBoolean draining = new AtomicBoolean();

    Drain(LocalTunnels tunnels, TunnelMetrics metrics, GatewayConfig config) {
        this.tunnels = tunnels;
        this.metrics = metrics;
        this.timeoutMillis = config.drainTimeout();
    }

    /** True once the replica started draining: it takes no new tunnel. */
    public boolean draining() {
        return draining.get();
    }

    /**
     * Quarkus' pre-shutdown phase ({@code quarkus.shutdown.delay-enabled}): fired while the HTTP server, the WebSockets
     * and the relay are all still serving, which is what a drain needs.
     */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        drain();
    }

    /** The last chance, if the pre-shutdown phase was not enabled. */
    void onShutdown(@Observes @Priority(1000) ShutdownEvent event) {
        drain();
    }

    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        int initial = tunnels.count();
        LOG.infof("draining: %d tunnels, %d streams in flight; agents told to reconnect elsewhere", initial,
                streams());
        for (TunnelConnection tunnel : tunnels.all()) {
            tunnel.drain();
        }
        long deadline = start + timeoutMillis * 1_000_000L;
        // Until the agents have moved away and the requests that entered here (callers' and relayed ones, possibly
        // carried by another replica's tunnel) have been answered.
        while ((tunnels.count() > 0 || metrics.requestsInFlight() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = tunnels.count();
        if (left > 0 || metrics.requestsInFlight() > 0) {
            LOG.warnf("drain deadline of %d ms reached: closing %d tunnels with %d streams still in flight, %d"
                    + " requests unanswered", timeoutMillis, left, streams(), metrics.requestsInFlight());
            tunnels.all().forEach(t -> t.close(CloseCode.GOING_AWAY, "gateway shutting down"));
        }
        LOG.infof("drained %d tunnels in %d ms", initial, (System.nanoTime() - start) / 1_000_000);
    }

    private int streams() {
        return tunnels.all().stream().mapToInt(TunnelConnection::streamsInFlight).sum();
    }
}
