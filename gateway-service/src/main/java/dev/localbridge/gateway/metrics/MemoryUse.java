package dev.localbridge.gateway.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The memory an instance holds, as the "memory per instance" alert means it: heap still in use after the last
 * garbage collection (what the replica really keeps, not the garbage it has not collected yet) plus non-heap in use
 * (metaspace, code cache, ...). Exported as {@code localbridge_memory_used_bytes}.
 */
public final class MemoryUse {

    private MemoryUse() {
    }

    /** Bytes in use now, as defined above. */
    public static long usedBytes() {
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP || !pool.isValid()) {
                continue;
            }
            MemoryUsage afterGc = pool.getCollectionUsage();
            heap += afterGc != null && afterGc.getUsed() > 0 ? afterGc.getUsed() : pool.getUsage().getUsed();
        }
        return heap + ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
    }

    static void register(MeterRegistry registry) {
        Gauge.builder("localbridge.memory.used", MemoryUse::usedBytes).baseUnit("bytes")
                .description("Heap in use after the last garbage collection plus non-heap in use")
                .register(registry);
    }
}
