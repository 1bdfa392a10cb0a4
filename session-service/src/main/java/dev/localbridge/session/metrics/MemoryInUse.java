package dev.localbridge.session.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * The value of {@code localbridge_memory_used_bytes}: heap in use after the last garbage collection plus non-heap in
 * use. Measuring the heap after collection keeps garbage that is merely waiting to be collected out of the figure,
 * so the memory alert follows what the process really retains.
 */
final class MemoryInUse {

    static final String DESCRIPTION = "Heap in use after the last garbage collection (sum over heap memory pools of "
            + "their collection usage; a pool's current usage until it has been collected once) plus non-heap in use";

    private MemoryInUse() {
    }

    static long bytes() {
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                heap += afterLastCollection(pool);
            }
        }
        return heap + ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
    }

    private static long afterLastCollection(MemoryPoolMXBean pool) {
        MemoryUsage collected = pool.getCollectionUsage();
        // A pool not collected yet reports 0 used and 0 committed. G1's old generation stays so through any number of
        // young collections (only collections that include it update it), although it holds most of what is kept.
        if (collected == null || (collected.getUsed() == 0 && collected.getCommitted() == 0)) {
            return pool.getUsage().getUsed();
        }
        return collected.getUsed();
    }
}
