package dev.localbridge.health.report;

import dev.localbridge.health.cluster.History;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * The samples behind the status page's charts, one per poll, oldest first: cluster-wide counts and rates only, no
 * replica named. Body of the public {@code GET /api/tunnel/history} and of the operator's {@code /q/cluster/history}.
 */
@RegisterForReflection(targets = {HistoryView.class, History.Sample.class})
public record HistoryView(long intervalMs, List<History.Sample> samples) {
}
