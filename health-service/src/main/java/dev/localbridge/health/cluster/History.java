package dev.localbridge.health.cluster;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** One sample per poll over the last {@code TUNNEL_HEALTH_HISTORY}, for the status page's charts. Thread-safe. */
public final class History {

    /**
     * The cluster during one poll interval; the rates are null when no request finished in it.
     *
     * @param t epoch ms of the poll
     */
    public record Sample(long t, int replicas, int readyReplicas, long tunnels, double requestRate,
            Double successRate, Double timeoutRate, Double averageResponseTimeMs) {
    }

    private final long spanMillis;
    private final Deque<Sample> samples = new ArrayDeque<>();

    History(long spanMillis) {
        this.spanMillis = spanMillis;
    }

    synchronized void add(Sample sample) {
        samples.addLast(sample);
        while (!samples.isEmpty() && samples.peekFirst().t() <= sample.t() - spanMillis) {
            samples.removeFirst();
        }
    }

    /** Oldest first. */
    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }
}
