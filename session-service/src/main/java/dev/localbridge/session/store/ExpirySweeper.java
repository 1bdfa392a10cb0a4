package dev.localbridge.session.store;

import dev.localbridge.session.SessionConfig;
import dev.localbridge.session.leases.LeaseStore;
import dev.localbridge.session.nodes.NodeRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code tunnel.sweep.interval} ms, removes nodes that stopped heartbeating and expired leases, so that each is
 * announced once on the change feed (node-gone, lease-released/expired). Several replicas may sweep at once: the
 * scripts remove atomically, so each item is announced by exactly one of them. Runs on its own thread, blocking.
 */
@ApplicationScoped
class ExpirySweeper {

    private final long intervalMs;
    private final NodeRegistry nodes;
    private final LeaseStore leases;
    private ScheduledExecutorService executor;
    private volatile boolean failing;

    ExpirySweeper(SessionConfig config, NodeRegistry nodes, LeaseStore leases) {
        this.intervalMs = config.sweep().interval();
        this.nodes = nodes;
        this.leases = leases;
    }

    void start(@Observes StartupEvent event) {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("expiry-sweeper")
                .factory());
        executor.scheduleWithFixedDelay(this::sweep, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void sweep() {
        try {
            int goneNodes = nodes.sweepExpired();
            int expiredLeases = leases.sweepExpired();
            if (goneNodes + expiredLeases > 0) {
                Log.debugf("swept %d node(s) and %d lease(s)", goneNodes, expiredLeases);
            }
            if (failing) {
                Log.info("expiry sweeper: store reachable again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                Log.warnf("expiry sweeper: store unreachable (%s); retrying every %d ms",
                        e.getCause() == null ? e.getMessage() : e.getCause().getMessage(), intervalMs);
                failing = true;
            }
        }
    }
}
