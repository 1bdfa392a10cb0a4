package dev.localbridge.session.metrics;

import dev.localbridge.session.api.SessionFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The meters of session-service (on {@code /q/metrics}, management port), held in one place:
 * <ul>
 * <li>{@code localbridge_session_lease_operations_total{operation, result}}: lease acquire, renew (one per lease in
 * the batch), release and lookup, each {@code ok}, {@code refused} (the store said no: connection limit, conflict,
 * unknown node, fenced or stale epoch, lease gone) or {@code error} (the store failed);</li>
 * <li>{@code localbridge_session_store_errors_total{operation}}: failed Redis calls, by script name;</li>
 * <li>{@code localbridge_session_revocations_total}, {@code localbridge_session_keys_created_total},
 * {@code localbridge_session_keys_revoked_total}: users revoked, access keys created and revoked;</li>
 * <li>{@code localbridge_memory_used_bytes}: see {@link MemoryInUse}.</li>
 * </ul>
 * Every label combination of the lease counter, and the identity counters, exist from startup (at 0), so rates work
 * from the first scrape; a
 * store operation's error counter appears with the operation's first call.
 */
@Startup
@ApplicationScoped
public class SessionMetrics {

    /** What was done to a lease. */
    public enum LeaseOperation { ACQUIRE, RENEW, RELEASE, LOOKUP }

    /** How it ended. */
    public enum Result { OK, REFUSED, ERROR }

    private final MeterRegistry registry;
    private final Map<LeaseOperation, Map<Result, Counter>> leaseOperations = new EnumMap<>(LeaseOperation.class);
    private final Map<String, Counter> storeErrors = new ConcurrentHashMap<>();
    private final Counter revocations;
    private final Counter keysCreated;
    private final Counter keysRevoked;

    SessionMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (LeaseOperation operation : LeaseOperation.values()) {
            Map<Result, Counter> byResult = new EnumMap<>(Result.class);
            for (Result result : Result.values()) {
                byResult.put(result, Counter.builder("localbridge.session.lease.operations")
                        .description("Lease operations (renew: one per lease in the batch) by result: ok, "
                                + "refused (limit, conflict, unknown node, fenced or stale epoch, lease gone), "
                                + "error (store failed)")
                        .tag("operation", label(operation))
                        .tag("result", label(result))
                        .register(registry));
            }
            leaseOperations.put(operation, byResult);
        }
        revocations = Counter.builder("localbridge.session.revocations")
                .description("Users whose access was revoked (not-before set)").register(registry);
        keysCreated = Counter.builder("localbridge.session.keys.created")
                .description("Access keys created").register(registry);
        keysRevoked = Counter.builder("localbridge.session.keys.revoked")
                .description("Access keys revoked by their user").register(registry);
        Gauge.builder("localbridge.memory.used", MemoryInUse::bytes)
                .description(MemoryInUse.DESCRIPTION)
                .baseUnit(BaseUnits.BYTES)
                .strongReference(true)
                .register(registry);
    }

    /** Counts {@code times} lease operations that ended with {@code result}. */
    public void leaseOperations(LeaseOperation operation, Result result, int times) {
        if (times > 0) {
            leaseOperations.get(operation).get(result).increment(times);
        }
    }

    /** Runs {@code call} and counts it once: {@code ok}, or by the failure it throws ({@link #resultOf}). */
    public <T> T leaseOperation(LeaseOperation operation, Supplier<T> call) {
        return leaseOperation(operation, call, value -> Result.OK);
    }

    /** Runs {@code call} and counts it once: as {@code outcome} classifies its answer, or by the failure it throws. */
    public <T> T leaseOperation(LeaseOperation operation, Supplier<T> call, Function<T, Result> outcome) {
        T value;
        try {
            value = call.get();
        } catch (RuntimeException failure) {
            leaseOperations(operation, resultOf(failure), 1);
            throw failure;
        }
        leaseOperations(operation, outcome.apply(value), 1);
        return value;
    }

    /** A 4xx {@link SessionFailure} is the store refusing; anything else means it failed. */
    public static Result resultOf(RuntimeException failure) {
        return failure instanceof SessionFailure f && f.status() < 500 ? Result.REFUSED : Result.ERROR;
    }

    /** Counts one user revocation. */
    public void revocation() {
        revocations.increment();
    }

    /** Counts one access key created. */
    public void keyCreated() {
        keysCreated.increment();
    }

    /** Counts one access key revoked. */
    public void keyRevoked() {
        keysRevoked.increment();
    }

    /** Makes the error counter of store operation {@code operation} visible (at 0) before it ever fails. */
    public void storeOperation(String operation) {
        storeErrorCounter(operation);
    }

    /** Counts one failed store call. */
    public void storeError(String operation) {
        storeErrorCounter(operation).increment();
    }

    private Counter storeErrorCounter(String operation) {
        return storeErrors.computeIfAbsent(operation, op -> Counter.builder("localbridge.session.store.errors")
                .description("Store (Redis) calls that failed (unreachable, timed out, error reply), by operation")
                .tag("operation", op)
                .register(registry));
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
