package dev.localbridge.gateway.metrics;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.localbridge.protocol.CloseCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's Prometheus metrics (names are stable; see docs/operations.md) and the recent-window figures behind
 * {@code /api/tunnel/health}.
 */
@ApplicationScoped
public class TunnelMetrics {

    private final MeterRegistry registry;
    private final Counter connects;
    private final Counter bytesToAgent;
    private final Counter bytesFromAgent;
    private final Timer duration;
    private final Timer ttfb;
    private final ConcurrentHashMap<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final RecentStats recent = new RecentStats(300_000);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter rateLimited;
    private final Counter relayHops;

    TunnelMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.connects = Counter.builder("localbridge.tunnel.connects").description("Tunnels opened").register(registry);
        this.bytesToAgent = Counter.builder("localbridge.tunnel.bytes").baseUnit("bytes").tag("direction", "to_agent")
                .description("Body bytes carried through tunnels").register(registry);
        this.bytesFromAgent = Counter.builder("localbridge.tunnel.bytes").baseUnit("bytes")
                .tag("direction", "from_agent").description("Body bytes carried through tunnels").register(registry);
        this.duration = Timer.builder("localbridge.request.duration").description("Proxied request, start to end")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
        this.ttfb = Timer.builder("localbridge.request.ttfb").description("Proxied request, start to response head")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
        this.rateLimited = Counter.builder("localbridge.rate.limit.rejections")
                .description("Requests refused because the user's rate limit was reached").register(registry);
        MemoryUse.register(registry);
        // Series that exist from startup at 0, so that Prometheus' increase() sees their first event and the alert
        // rules and dashboard always find them (a counter created at its first event loses that event to rate()).
        for (CloseCode code : CloseCode.values()) {
            registry.counter("localbridge.tunnel.disconnects", "reason", code.label());
        }
        for (int status : new int[] {400, 401, 429, 503}) {
            registry.counter("localbridge.tunnel.handshake.rejections", "status", Integer.toString(status));
        }
        registry.counter("localbridge.tunnel.protocol.errors");
        for (String result : new String[] {"accepted", "refused"}) {
            registry.counter("localbridge.token.renewals", "result", result);
        }
        registry.counter("localbridge.tunnel.expiry.closes");
        this.relayHops = registry.counter("localbridge.relay.hops");
        registry.counter("localbridge.relay.misdirected");
    }

    /** A caller's request (or a relayed one) entered this replica. */
    public void requestStarted() {
        inFlight.incrementAndGet();
    }

    /** A request counted by {@link #requestStarted()} is over. */
    public void requestEnded() {
        inFlight.decrementAndGet();
    }

    /** Requests this replica is answering right now (callers' and relayed ones); a drain waits for them. */
    public int requestsInFlight() {
        return inFlight.get();
    }

    /** Registers the gauges that read live state. */
    public void gauges(Supplier<Number> tunnelsOpen, Supplier<Number> streams) {
        Gauge.builder("localbridge.tunnels.open", tunnelsOpen)
                .description("Tunnels held by this replica").register(registry);
        Gauge.builder("localbridge.streams.in.flight", streams)
                .description("Proxied requests in flight on this replica").register(registry);
    }

    public void tunnelOpened() {
        connects.increment();
    }

    public void tunnelClosed(String reason) {
        registry.counter("localbridge.tunnel.disconnects", "reason", reason).increment();
    }

    /** A request was refused by the rate limiter (429). */
    public void rateLimited() {
        rateLimited.increment();
    }

    public void handshakeRejected(int status) {
        registry.counter("localbridge.tunnel.handshake.rejections", "status", Integer.toString(status)).increment();
    }

    public void protocolError() {
        registry.counter("localbridge.tunnel.protocol.errors").increment();
    }

    /** An agent renewed its tunnel's token in-band, or was refused. */
    public void tokenRenewal(boolean accepted) {
        registry.counter("localbridge.token.renewals", "result", accepted ? "accepted" : "refused").increment();
    }

    /** A tunnel was closed because its token expired and was not renewed within the grace. */
    public void expiryClose() {
        registry.counter("localbridge.tunnel.expiry.closes").increment();
    }

    public void bytesToAgent(long n) {
        bytesToAgent.increment(n);
    }

    public void bytesFromAgent(long n) {
        bytesFromAgent.increment(n);
    }

    /** A request was sent to another replica's relay port. */
    public void relayHop() {
        relayHops.increment();
    }

    /** A relay call named a connection (or epoch) that is not held where it was sent. */
    public void misdirected() {
        registry.counter("localbridge.relay.misdirected").increment();
    }

    /** This replica carried a request relayed by another one. */
    public void relayServed(Outcome outcome) {
        registry.counter("localbridge.relay.served", "outcome", outcome.label()).increment();
    }

    /** One proxied request finished; {@code ttfbNanos} is negative when no response head arrived. */
    public void requestCompleted(Outcome outcome, long durationNanos, long ttfbNanos) {
        outcomes.computeIfAbsent(outcome.label(),
                label -> Counter.builder("localbridge.requests").tag("outcome", label).tag("result", outcome.result())
                        .description("Proxied requests by outcome; result ok, failed, timeout or excluded (not "
                                + "counted in the rates)").register(registry))
                .increment();
        duration.record(durationNanos, TimeUnit.NANOSECONDS);
        if (ttfbNanos >= 0) {
            ttfb.record(ttfbNanos, TimeUnit.NANOSECONDS);
        }
        recent.record(outcome, ttfbNanos);
    }

    /**
     * Counters since this replica started, which health-service turns into cluster-wide rates: derived from the
     * meters above when asked (once per health poll), so a request is counted once, not once more for health.
     */
    public Totals totals() {
        long ok = 0;
        long failed = 0;
        long timeouts = 0;
        for (Counter c : outcomes.values()) {
            long n = (long) c.count();
            switch (c.getId().getTag("result")) {
                case "ok" -> ok += n;
                case "failed" -> failed += n;
                case "timeout" -> timeouts += n;
                default -> { }
            }
        }
        long disconnects = (long) registry.find("localbridge.tunnel.disconnects").counters().stream()
                .mapToDouble(Counter::count).sum();
        return new Totals(ok + failed + timeouts, failed + timeouts, timeouts, ttfb.count(),
                ttfb.totalTime(TimeUnit.MILLISECONDS), (long) relayHops.count(), (long) bytesToAgent.count(),
                (long) bytesFromAgent.count(), (long) connects.count(), disconnects);
    }

    /** Figures of the last few minutes. */
    public RecentStats.Window recent() {
        return recent.window();
    }
}
