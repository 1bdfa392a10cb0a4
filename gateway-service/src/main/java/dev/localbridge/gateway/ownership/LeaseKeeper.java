package dev.localbridge.gateway.ownership;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.localbridge.gateway.failure.ErrorCode;
import dev.localbridge.gateway.failure.TunnelFailure;
import dev.localbridge.gateway.tunnel.LocalTunnels;
import dev.localbridge.gateway.tunnel.TunnelConnection;
import dev.localbridge.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

/**
 * This replica's membership and leases: registers the node, then once per {@code TUNNEL_LEASE_RENEW_INTERVAL}
 * heartbeats it and renews <em>every</em> local lease in one call. A heartbeat answered 404 (node expired, Redis lost
 * its data) registers again and re-acquires every local connection. Connections admitted while the store was down
 * (epoch 0) are acquired on the next round that reaches it; a lease another node took over closes the local connection
 * with 4409; a lease the store lost is acquired again with a new epoch.
 *
 * <p>Rounds never overlap (a slow store delays the next one); all calls are non-blocking.
 */
final class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);
    /** Close code for a connection whose lease another replica took over (docs/protocol.md). */
    private static final int REACQUIRE_CONCURRENCY = 16;

    /** A lease this replica believes it holds. */
    private record Held(String userId, long epoch, long acquiredAtNanos) {
    }

    private final SessionClient session;
    private final LocalTunnels tunnels;
    private final Vertx vertx;
    private final String nodeId;
    private final String relayAddress;
    private final String managementAddress;
    private final long intervalMillis;
    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
    private final AtomicBoolean roundRunning = new AtomicBoolean();
    private volatile boolean registered;
    private volatile boolean stopped;
    private long timerId = -1;

    LeaseKeeper(SessionClient session, LocalTunnels tunnels, Vertx vertx, String nodeId, String relayAddress,
            String managementAddress, long intervalMillis) {
        this.session = session;
        this.tunnels = tunnels;
        this.vertx = vertx;
        this.nodeId = nodeId;
        this.relayAddress = relayAddress;
        this.managementAddress = managementAddress;
        this.intervalMillis = intervalMillis;
    }

    void start() {
        register().onComplete(ar -> {
            if (ar.failed()) {
                LOG.warnf("node %s: session-service %s unreachable at startup (%s); local tunnels work, "
                        + "registration is retried every %d ms", nodeId, session.baseUrl(), ar.cause().getMessage(),
                        intervalMillis);
            }
        });
        timerId = vertx.setPeriodic(intervalMillis, t -> round());
    }

    /** Leaves the cluster: releases every lease of this node. Best effort. */
    Future<Void> stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        return session.call("deregister", HttpMethod.DELETE, "/api/nodes/" + encode(nodeId), null)
                .onSuccess(reply -> LOG.infof("node %s deregistered from %s", nodeId, session.baseUrl()))
                .mapEmpty();
    }

    Future<Long> acquire(String userId, String connectionId) {
        return acquireOnce(userId, connectionId).recover(e -> {
            if (e instanceof NodeUnknown) {
                return register().compose(v -> acquireOnce(userId, connectionId));
            }
            return Future.failedFuture(e);
        }).recover(e -> {
            if (e instanceof TunnelFailure) {
                return Future.failedFuture(e);
            }
            LOG.warnf("lease for connection %s (user %s) not registered (%s): admitted on this replica's limit, "
                    + "registered when session-service is back", connectionId, userId, e.getMessage());
            return Future.succeededFuture(0L);
        });
    }

    void release(String userId, String connectionId) {
        Held lease = held.remove(connectionId);
        long epoch = lease == null ? 0 : lease.epoch();
        String uri = "/api/leases/" + encode(connectionId) + "?nodeId=" + encode(nodeId) + "&epoch=" + epoch;
        session.call("release", HttpMethod.DELETE, uri, null).onComplete(ar -> {
            if (ar.failed()) {
                LOG.debugf("lease of connection %s not released (%s): it expires", connectionId,
                        ar.cause().getMessage());
            } else if (ar.result().status() == 409) {
                LOG.debugf("lease of connection %s already belongs to another node", connectionId);
            }
        });
    }

    private Future<Long> acquireOnce(String userId, String connectionId) {
        return session.call("acquire", HttpMethod.POST, "/api/leases",
                new SessionApi.AcquireLease(userId, connectionId, nodeId)).compose(reply -> {
            if (reply.ok()) {
                SessionApi.AcquiredLease lease = session.decode(reply, SessionApi.AcquiredLease.class);
                held.put(connectionId, new Held(userId, lease.epoch(), System.nanoTime()));
                return Future.succeededFuture(lease.epoch());
            }
            String code = session.errorCode(reply);
            return switch (code) {
                case "CONNECTION_LIMIT_EXCEEDED" -> Future.failedFuture(new TunnelFailure(
                        ErrorCode.TOO_MANY_CONNECTIONS,
                        "This user already has the maximum number of tunnel connections across the cluster"));
                case "NODE_NOT_FOUND" -> {
                    registered = false;
                    yield Future.failedFuture(new NodeUnknown());
                }
                default -> Future.failedFuture(new SessionUnavailable(
                        "acquire answered " + reply.status() + " " + code));
            };
        });
    }

    private Future<Void> register() {
        return session.call("register", HttpMethod.POST, "/api/nodes",
                new SessionApi.RegisterNode(nodeId, relayAddress, managementAddress)).compose(reply -> {
            if (!reply.ok()) {
                return Future.failedFuture(new SessionUnavailable("register answered " + reply.status() + " "
                        + session.errorCode(reply)));
            }
            if (!registered) {
                LOG.infof("node %s registered with %s, relay address %s, management address %s", nodeId,
                        session.baseUrl(), relayAddress, managementAddress);
            }
            registered = true;
            return Future.succeededFuture();
        });
    }

    /** One maintenance round: heartbeat (or register), renew all, acquire pending, forget closed. */
    void round() {
        if (stopped || !roundRunning.compareAndSet(false, true)) {
            return;
        }
        heartbeat()
                .compose(reRegistered -> reRegistered ? reacquireAll() : renewAll())
                .onComplete(ar -> {
                    roundRunning.set(false);
                    if (ar.failed()) {
                        LOG.debugf("node %s: lease round skipped: %s", nodeId, ar.cause().getMessage());
                    }
                });
    }

    /** Succeeds with {@code true} when the node had to register again (its leases are gone with it). */
    private Future<Boolean> heartbeat() {
        if (!registered) {
            return register().map(true);
        }
        return session.call("heartbeat", HttpMethod.POST, "/api/nodes/" + encode(nodeId) + "/heartbeat", null)
                .compose(reply -> {
                    if (reply.ok()) {
                        return Future.succeededFuture(false);
                    }
                    if (reply.status() == 404) {
                        LOG.warnf("node %s unknown to session-service (expired, or the store lost its data): "
                                + "registering again and re-acquiring %d leases", nodeId, tunnels.count());
                        registered = false;
                        return register().map(true);
                    }
                    return Future.failedFuture(new SessionUnavailable("heartbeat answered " + reply.status()));
                });
    }

    private Future<Void> renewAll() {
        forgetClosed();
        List<SessionApi.LeaseRef> refs = new ArrayList<>();
        List<TunnelConnection> pending = new ArrayList<>();
        for (TunnelConnection tunnel : tunnels.all()) {
            if (tunnel.epoch() == 0) {
                pending.add(tunnel);
            } else {
                refs.add(new SessionApi.LeaseRef(tunnel.id(), tunnel.epoch()));
            }
        }
        Future<Void> renewed = refs.isEmpty() ? Future.succeededFuture() : session.call("renew", HttpMethod.POST,
                "/api/leases/renew", new SessionApi.RenewLeases(nodeId, refs)).compose(reply -> {
            if (!reply.ok()) {
                return Future.failedFuture(new SessionUnavailable("renew answered " + reply.status()));
            }
            SessionApi.RenewedLeases result = session.decode(reply, SessionApi.RenewedLeases.class);
            result.fenced().forEach(this::fenced);
            List<TunnelConnection> gone = new ArrayList<>();
            for (String id : result.gone()) {
                TunnelConnection tunnel = tunnels.byId(id);
                if (tunnel != null) {
                    LOG.infof("tunnel %s: lease lost by the store (user %s), acquiring it again", id,
                            tunnel.userId());
                    gone.add(tunnel);
                }
            }
            return acquireEach(gone);
        });
        return renewed.compose(v -> acquireEach(pending));
    }

    private Future<Void> reacquireAll() {
        forgetClosed();
        return acquireEach(new ArrayList<>(tunnels.all()));
    }

    private void fenced(String connectionId) {
        held.remove(connectionId);
        TunnelConnection tunnel = tunnels.byId(connectionId);
        if (tunnel != null) {
            LOG.warnf("tunnel %s: lease taken over by another node (user %s): closing it with %d", connectionId,
                    tunnel.userId(), CloseCode.LEASE_TAKEN_OVER.code());
            tunnel.close(CloseCode.LEASE_TAKEN_OVER, "lease taken over");
        }
    }

    /** (Re)acquires leases, at most {@value #REACQUIRE_CONCURRENCY} calls at once (a store coming back sees a burst). */
    private Future<Void> acquireEach(List<TunnelConnection> connections) {
        if (connections.isEmpty()) {
            return Future.succeededFuture();
        }
        Deque<TunnelConnection> queue = new ArrayDeque<>(connections);
        Promise<Void> done = Promise.promise();
        int[] running = {0};
        Runnable[] next = new Runnable[1];
        Object lock = new Object();
        next[0] = () -> {
            TunnelConnection tunnel;
            synchronized (lock) {
                tunnel = queue.poll();
                if (tunnel == null) {
                    if (running[0] == 0) {
                        done.tryComplete();
                    }
                    return;
                }
                running[0]++;
            }
            acquireOnce(tunnel.userId(), tunnel.id()).onComplete(ar -> {
                if (ar.succeeded()) {
                    if (tunnels.byId(tunnel.id()) == tunnel) {
                        tunnel.epoch(ar.result());
                        LOG.debugf("tunnel %s: lease epoch %d", tunnel.id(), ar.result());
                    } else {
                        release(tunnel.userId(), tunnel.id());
                    }
                } else if (ar.cause() instanceof TunnelFailure) {
                    LOG.warnf("tunnel %s: user %s is at the cluster-wide connection limit; its lease is retried "
                            + "next round", tunnel.id(), tunnel.userId());
                } else {
                    done.tryFail(ar.cause());
                    queue.clear();
                }
                synchronized (lock) {
                    running[0]--;
                }
                next[0].run();
            });
        };
        for (int i = 0; i < REACQUIRE_CONCURRENCY; i++) {
            next[0].run();
        }
        return done.future();
    }

    /**
     * Releases leases of connections that are no longer open here (a close whose release call was lost). A lease is
     * taken before its WebSocket upgrade completes, so a young one is given that time.
     */
    private void forgetClosed() {
        long youngNanos = 2 * intervalMillis * 1_000_000;
        Set<String> open = new HashSet<>();
        tunnels.all().forEach(t -> open.add(t.id()));
        long now = System.nanoTime();
        held.forEach((id, lease) -> {
            if (!open.contains(id) && now - lease.acquiredAtNanos() > youngNanos) {
                release(lease.userId(), id);
            }
        });
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The store does not know this node (any more): register again. */
    private static final class NodeUnknown extends RuntimeException {
        NodeUnknown() {
            super("node not registered", null, false, false);
        }
    }
}
