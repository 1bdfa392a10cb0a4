package dev.localbridge.health.cluster;

import dev.localbridge.health.HealthConfig;
import dev.localbridge.health.session.SessionServiceClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Polls the cluster every {@code TUNNEL_PROBE_INTERVAL}: the node registry and figures from session-service, then every
 * registered replica's management endpoints in parallel, each on its own virtual thread and bounded by
 * {@code TUNNEL_PROBE_TIMEOUT}, so a dead replica costs one timeout and never delays the answers of the others. The
 * HTTP endpoints only read the last {@link ClusterView}; nothing a caller does waits on the network.
 */
@ApplicationScoped
public class ClusterPoller {

    private static final Logger LOG = Logger.getLogger(ClusterPoller.class);

    /** What is remembered of a replica between polls. */
    private static final class Tracked {
        final Window window;
        ReplicaFigures last;
        Long lastSeen;

        Tracked(long windowMillis) {
            window = new Window(windowMillis);
        }
    }

    /** One replica as this poll found it, and the requests it finished since the previous poll. */
    private record Seen(ClusterView.Replica replica, Deltas deltas) {
    }

    private final SessionServiceClient session;
    private final ReplicaClient replicas;
    private final HealthConfig config;
    private final Window clusterWindow;
    private final History history;
    private final Map<String, Tracked> tracked = new HashMap<>();
    private final CountDownLatch firstPoll = new CountDownLatch(1);
    private ScheduledExecutorService scheduler;
    private ExecutorService probes;
    private volatile ClusterView view;
    private long lastPollAt;

    ClusterPoller(SessionServiceClient session, ReplicaClient replicas, HealthConfig config) {
        this.session = session;
        this.replicas = replicas;
        this.config = config;
        this.clusterWindow = new Window(config.health().window());
        this.history = new History(config.health().history());
    }

    void start(@Observes StartupEvent event) {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("cluster-poller").factory());
        probes = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("replica-probe-", 0).factory());
        scheduler.scheduleWithFixedDelay(this::pollSafely, 0, config.probe().interval(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
            probes.shutdownNow();
        }
    }

    /** The last poll's view; waits (bounded) for the first poll right after startup. Call from a virtual thread. */
    public ClusterView view() {
        if (view == null) {
            try {
                firstPoll.await(2 * config.probe().timeout() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return view;
    }

    /** The last poll's view without waiting (null before the first poll). */
    public ClusterView lastView() {
        return view;
    }

    /** The samples behind the status page's charts. */
    public History history() {
        return history;
    }

    /** Time between polls, ms. */
    public long intervalMillis() {
        return config.probe().interval();
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.errorf(e, "cluster poll failed");
        } finally {
            firstPoll.countDown();
        }
    }

    private void poll() {
        long now = System.currentTimeMillis();
        if (session.baseUrl().isEmpty()) {
            view = new ClusterView(now, new ClusterView.Session(false, null, null, null,
                    "TUNNEL_SESSION_URL is not set: no cluster view"), List.of(), null, Deltas.NONE,
                    config.health().window());
            return;
        }
        String url = session.baseUrl().get().toString();
        SessionServiceClient.Snapshot snapshot;
        try {
            snapshot = session.snapshot();
        } catch (SessionServiceClient.Unreachable e) {
            // Without the registry there is no list of replicas to ask: tunnels cannot be created anyway.
            LOG.debugf("session-service %s unreachable: %s", url, e.getMessage());
            tracked.clear();
            publish(now, new ClusterView.Session(true, url, false, null, "session-service unreachable: "
                    + e.getMessage()), List.of(), null, Deltas.NONE);
            return;
        }
        Map<String, Future<ReplicaClient.Answer>> asked = new HashMap<>();
        for (SessionServiceClient.Node node : snapshot.nodes()) {
            if (node.managementAddress() != null && !node.managementAddress().isBlank()) {
                asked.put(node.nodeId(), probes.submit(() -> replicas.ask(node.managementAddress())));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * config.probe().timeout() + 500);
        List<ClusterView.Replica> found = new ArrayList<>();
        Deltas pollDeltas = Deltas.NONE;
        for (SessionServiceClient.Node node : snapshot.nodes()) {
            Seen seen;
            try {
                seen = see(node, asked.get(node.nodeId()), deadline, now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            found.add(seen.replica());
            pollDeltas = pollDeltas.plus(seen.deltas());
        }
        tracked.keySet().retainAll(snapshot.nodes().stream().map(SessionServiceClient.Node::nodeId).toList());
        found.sort(Comparator.comparing(ClusterView.Replica::nodeId));
        publish(now, new ClusterView.Session(true, url, true, snapshot.stats().store(), null), found,
                snapshot.stats().liveLeases(), pollDeltas);
    }

    /** Waits (until {@code deadline}) for the replica's answer and records what it says. */
    private Seen see(SessionServiceClient.Node node, Future<ReplicaClient.Answer> answer, long deadline, long now)
            throws InterruptedException {
        Tracked t = tracked.computeIfAbsent(node.nodeId(), id -> new Tracked(config.health().window()));
        ReplicaClient.Answer a = null;
        String error = null;
        if (answer == null) {
            error = "registered without a management address (gateway older than this health-service)";
        } else {
            try {
                a = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                error = String.valueOf(e.getCause().getMessage());
            } catch (TimeoutException e) {
                answer.cancel(true);
                error = "no answer within " + config.probe().timeout() + " ms";
            }
        }
        if (a == null) {
            t.window.add(now, Deltas.NONE);
            return new Seen(new ClusterView.Replica(node.nodeId(), node.relayAddress(), node.managementAddress(),
                    ClusterView.State.UNREACHABLE, 0, 0, 0, t.window.sum(), 0, t.lastSeen, error), Deltas.NONE);
        }
        ReplicaFigures f = a.figures();
        Deltas d = Deltas.between(t.last, f);
        t.last = f;
        t.lastSeen = now;
        t.window.add(now, d);
        ClusterView.State state = a.ready() && !f.draining() ? ClusterView.State.READY : ClusterView.State.DRAINING;
        return new Seen(new ClusterView.Replica(node.nodeId(), node.relayAddress(), node.managementAddress(), state,
                f.tunnels(), f.streamsInFlight(), perSecond(d.requests(), now), t.window.sum(), f.memoryUsedBytes(),
                now, null), d);
    }

    /** {@code count} per second since the previous poll (0 at the first). */
    private double perSecond(long count, long now) {
        return lastPollAt == 0 ? 0 : count * 1000.0 / (now - lastPollAt);
    }

    private void publish(long now, ClusterView.Session s, List<ClusterView.Replica> found, Long leases, Deltas d) {
        double requestRate = perSecond(d.requests(), now);
        lastPollAt = now;
        clusterWindow.add(now, d);
        ClusterView next = new ClusterView(now, s, List.copyOf(found), leases, clusterWindow.sum(),
                config.health().window());
        history.add(new History.Sample(now, found.size(), (int) next.readyReplicas(), next.tunnels(), requestRate,
                d.successRate(), d.timeoutRate(), d.averageResponseTimeMs()));
        view = next;
    }
}
