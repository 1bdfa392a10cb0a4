package dev.localbridge.gateway.tunnel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The tunnels this replica holds, by user. Also enforces the per-user connection limit for this replica: a slot is
 * reserved before the WebSocket upgrade completes, so two simultaneous upgrades cannot both take the last slot.
 */
@ApplicationScoped
public class LocalTunnels {

    private final ConcurrentHashMap<String, UserTunnels> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TunnelConnection> byId = new ConcurrentHashMap<>();

    /** A slot taken for a user's connection that is being upgraded. */
    public record Reservation(String userId) {
    }

    private record UserTunnels(int reserved, List<TunnelConnection> active) {
        int total() {
            return reserved + active.size();
        }
    }

    /** Takes a slot for {@code userId}, or returns {@code null} when the user already has {@code max} connections. */
    public Reservation reserve(String userId, int max) {
        boolean[] granted = {false};
        byUser.compute(userId, (k, current) -> {
            UserTunnels tunnels = current == null ? new UserTunnels(0, List.of()) : current;
            if (tunnels.total() >= max) {
                return current;
            }
            granted[0] = true;
            return new UserTunnels(tunnels.reserved() + 1, tunnels.active());
        });
        return granted[0] ? new Reservation(userId) : null;
    }

    /** Turns a reservation into a live connection. */
    void activate(Reservation reservation, TunnelConnection tunnel) {
        byId.put(tunnel.id(), tunnel);
        byUser.compute(reservation.userId(), (k, current) -> {
            List<TunnelConnection> active = new ArrayList<>(current.active());
            active.add(tunnel);
            return new UserTunnels(current.reserved() - 1, List.copyOf(active));
        });
    }

    /** Gives back a reservation whose upgrade failed. */
    void release(Reservation reservation) {
        byUser.computeIfPresent(reservation.userId(), (k, current) -> shrink(current.reserved() - 1, current.active()));
    }

    /** Forgets a closed connection. */
    void remove(TunnelConnection tunnel) {
        byId.remove(tunnel.id(), tunnel);
        byUser.computeIfPresent(tunnel.userId(), (k, current) -> {
            List<TunnelConnection> active = new ArrayList<>(current.active());
            active.remove(tunnel);
            return shrink(current.reserved(), List.copyOf(active));
        });
    }

    private static UserTunnels shrink(int reserved, List<TunnelConnection> active) {
        return reserved == 0 && active.isEmpty() ? null : new UserTunnels(reserved, active);
    }

    /**
     * The user's connection that should take the next request, skipping those in {@code avoid}, or {@code null} when
     * the user has none here. Only connections that accept streams (the agent said hello; nobody is closing) and are
     * not draining count. Among them a responsive one wins over an {@link TunnelConnection#unresponsive() unresponsive}
     * one — an unresponsive connection is used only when it is the user's only choice — and then the one with the
     * fewest streams in flight.
     */
    public TunnelConnection pick(String userId, Set<String> avoid) {
        return pick(userId, avoid, false);
    }

    /** Like {@link #pick(String, Set)}, but also considers connections this replica is draining (the last resort). */
    public TunnelConnection pickIncludingDraining(String userId, Set<String> avoid) {
        return pick(userId, avoid, true);
    }

    private TunnelConnection pick(String userId, Set<String> avoid, boolean draining) {
        UserTunnels tunnels = byUser.get(userId);
        if (tunnels == null) {
            return null;
        }
        TunnelConnection best = null;
        boolean bestUnresponsive = false;
        for (TunnelConnection tunnel : tunnels.active()) {
            if (!tunnel.acceptsStreams() || (!draining && tunnel.draining()) || avoid.contains(tunnel.id())) {
                continue;
            }
            boolean unresponsive = tunnel.unresponsive();
            if (best == null || (bestUnresponsive && !unresponsive)
                    || (bestUnresponsive == unresponsive && tunnel.streamsInFlight() < best.streamsInFlight())) {
                best = tunnel;
                bestUnresponsive = unresponsive;
            }
        }
        return best;
    }

    /** The live connection with this id, or {@code null}. */
    public TunnelConnection byId(String connectionId) {
        return byId.get(connectionId);
    }

    /** The user's live connections on this replica. */
    public List<TunnelConnection> connections(String userId) {
        UserTunnels tunnels = byUser.get(userId);
        return tunnels == null ? List.of() : tunnels.active();
    }

    /** Every live connection on this replica. */
    public Collection<TunnelConnection> all() {
        return byId.values();
    }

    /** Number of live connections on this replica. */
    public int count() {
        return byId.size();
    }
}
