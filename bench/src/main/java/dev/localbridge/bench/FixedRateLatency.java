package dev.localbridge.bench;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * Small GETs on ONE keep-alive connection at a fixed request rate.
 *
 * <p>Request i is scheduled at {@code t0 + i / rate}. Its latency is measured from that scheduled time, not from
 * when it was actually sent, so a slow response that delays the following requests is charged to them as well
 * (coordinated-omission correction, as in wrk2). The uncorrected "service time" (from the actual send) is reported
 * beside it. The sender sleeps until shortly before the scheduled time and spins the rest, so the timer's slack is
 * not counted as latency.
 */
final class FixedRateLatency {

    private FixedRateLatency() {}

    static int run(BenchTool.Options o) throws Exception {
        URI uri = URI.create(o.require("url"));
        double rate = o.number("rate", 1000);
        double duration = o.number("duration", 10);
        double warmup = o.number("warmup", 2);
        List<String> headers = new ArrayList<>(o.all("header"));
        String token = o.token();
        if (token != null) {
            headers.add("Authorization: Bearer " + token);
        }

        long interval = (long) (1e9 / rate);
        Histogram corrected = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram service = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Map<Integer, Integer> badStatus = new TreeMap<>();
        int ioErrors = 0;
        String lastError = null;

        try (RawHttpClient client = new RawHttpClient(uri, headers)) {
            // warm-up at the same rate, not recorded
            Phase w = phase(client, interval, (long) (warmup * rate), null, null);
            int warmupConnections = client.connections;
            Phase m = phase(client, interval, (long) (duration * rate), corrected, service);
            badStatus = m.badStatus;
            ioErrors = m.ioErrors;
            lastError = m.lastError != null ? m.lastError : w.lastError;
            int connections = client.connections - warmupConnections + (warmupConnections > 0 ? 1 : 0);

            long count = corrected.getTotalCount() - m.unsent;
            double actualRate = count / (m.elapsedNanos / 1e9);
            System.err.printf("latency %s: %d requests at %.0f/s (target %.0f/s) on %d connection(s), errors: %d io, %s bad status%n",
                uri, count, actualRate, rate, connections, ioErrors, badStatus);
            System.err.printf("  corrected  p50 %8.1f µs  p90 %8.1f  p99 %8.1f  p99.9 %8.1f  max %8.1f%n",
                us(corrected, 50), us(corrected, 90), us(corrected, 99), us(corrected, 99.9), corrected.getMaxValue() / 1e3);
            System.err.printf("  service    p50 %8.1f µs  p90 %8.1f  p99 %8.1f  p99.9 %8.1f  max %8.1f%n",
                us(service, 50), us(service, 90), us(service, 99), us(service, 99.9), service.getMaxValue() / 1e3);
            if (w.unsent + m.unsent > 0) {
                System.err.printf("  gave up after twice the planned time: %d warm-up and %d measured requests not sent%n", w.unsent, m.unsent);
            }
            if (lastError != null) {
                System.err.println("  last error: " + lastError);
            }
            int bad = badStatus.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf(java.util.Locale.ROOT,
                "RESULT count=%d unsent=%d rate=%.1f connections=%d errors=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f svc_p50_us=%.1f svc_p99_us=%.1f%n",
                count, w.unsent + m.unsent, actualRate, connections, ioErrors + bad,
                us(corrected, 50), us(corrected, 90), us(corrected, 99), us(corrected, 99.9), corrected.getMaxValue() / 1e3,
                us(service, 50), us(service, 99));
            return count > 0 ? 0 : 1;
        }
    }

    private record Phase(long elapsedNanos, int ioErrors, Map<Integer, Integer> badStatus, String lastError, long unsent) {}

    private static Phase phase(RawHttpClient client, long interval, long requests, Histogram corrected, Histogram service) {
        Map<Integer, Integer> badStatus = new TreeMap<>();
        int ioErrors = 0;
        String lastError = null;
        long t0 = System.nanoTime() + 1_000_000;
        // a server far slower than the rate must not keep the benchmark busy for minutes: give up after twice the
        // planned time (+5 s) and charge every request not sent by then with (give-up time - its scheduled time),
        // a lower bound of its latency
        long giveUp = t0 + 2 * requests * interval + 5_000_000_000L;
        long unsent = 0;
        for (long i = 0; i < requests; i++) {
            long scheduled = t0 + i * interval;
            long now = System.nanoTime();
            if (now > giveUp) {
                unsent = requests - i;
                if (corrected != null) {
                    for (long j = i; j < requests; j++) {
                        corrected.recordValue(Math.max(0, now - (t0 + j * interval)));
                    }
                }
                break;
            }
            waitUntil(scheduled);
            long sent = System.nanoTime();
            try {
                int status = client.get();
                long end = System.nanoTime();
                if (status >= 200 && status < 300) {
                    if (corrected != null) {
                        corrected.recordValue(end - scheduled);
                        service.recordValue(end - sent);
                    }
                } else {
                    badStatus.merge(status, 1, Integer::sum);
                }
            } catch (IOException | RuntimeException e) {
                ioErrors++;
                lastError = e.toString();
                client.close();
            }
        }
        return new Phase(System.nanoTime() - t0, ioErrors, badStatus, lastError, unsent);
    }

    private static final long SPIN_NANOS = 150_000;

    private static void waitUntil(long deadline) {
        long now;
        while ((now = System.nanoTime()) < deadline - SPIN_NANOS) {
            LockSupport.parkNanos(deadline - SPIN_NANOS - now);
        }
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static double us(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
    }
}
