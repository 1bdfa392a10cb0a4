package dev.localbridge.health.cluster;

import java.util.ArrayDeque;
import java.util.Deque;

/** Deltas of the polls of the last {@code spanMillis}, summed on demand. Confined to the poller's thread. */
final class Window {

    private record Entry(long at, Deltas deltas) {
    }

    private final long spanMillis;
    private final Deque<Entry> entries = new ArrayDeque<>();

    Window(long spanMillis) {
        this.spanMillis = spanMillis;
    }

    void add(long at, Deltas deltas) {
        entries.addLast(new Entry(at, deltas));
        while (!entries.isEmpty() && entries.peekFirst().at() <= at - spanMillis) {
            entries.removeFirst();
        }
    }

    Deltas sum() {
        Deltas total = Deltas.NONE;
        for (Entry e : entries) {
            total = total.plus(e.deltas());
        }
        return total;
    }
}
