package dev.localbridge.protocol;

import java.util.Map;
import java.util.TreeMap;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Configuration;
import org.quicktheories.core.ExceptionReporter;
import org.quicktheories.core.Gen;
import org.quicktheories.core.NoGuidance;
import org.quicktheories.core.Strategy;

/**
 * Runs the property tests of this module with QuickTheories, the same way every time.
 *
 * <p>CI and a plain {@code ./mvnw test} run each property from the fixed seed {@link #DEFAULT_SEED}, so a red build
 * replays exactly. A falsified property throws an {@link AssertionError} with the shrunk counterexample, the cause and
 * "Seed was N". To search further locally: {@code -Dpbt.scale=20} runs twenty times the examples of every property,
 * {@code -Dpbt.seed=N} starts from another seed (or replays the one a failure printed), e.g.
 * {@code ./mvnw -o -pl tunnel-protocol test -Dpbt.scale=20 -Dpbt.seed=$RANDOM}.
 */
final class Pbt {

    static final long DEFAULT_SEED = 0x10CA1B81D6EL;

    private static final long SEED = Long.getLong("pbt.seed", DEFAULT_SEED);
    private static final int SCALE = Math.max(1, Integer.getInteger("pbt.scale", 1));

    /**
     * Attempts to make a found counterexample smaller (QuickTheories' default is 100 per example). QuickTheories
     * shrinks by changing one random draw behind the value at a time, and a frame with long headers is thousands of
     * draws: most attempts change nothing that matters, hence the many attempts. After a quarter of them in a row
     * without a smaller failing value, shrinking stops running the property.
     */
    private static final int SHRINK_CYCLES = 20_000;

    /** Set only by {@link #withShrinkCycles}. */
    private static final ThreadLocal<Integer> SHRINK_CYCLES_OVERRIDE = new ThreadLocal<>();

    private Pbt() {
    }

    /** A property of one generated value; any exception or failed assertion falsifies it. */
    @FunctionalInterface
    interface Property<T> {
        void check(T value) throws Exception;
    }

    /**
     * Checks {@code property} on at least {@code examples} (times {@code pbt.scale}) values drawn from {@code values}.
     * QuickTheories skips a value whose random draws it has already tried; the remainder is drawn again from the next
     * seed, so that a property runs as many examples as it says.
     */
    static <T> void check(int examples, Gen<T> values, Property<T> property) {
        int wanted = examples * SCALE;
        int ran = 0;
        for (long seed = SEED; ran < wanted; seed++) {
            Strategy strategy = strategy(seed, wanted - ran);
            Run run = new Run();
            QuickTheory.qt(() -> strategy).forAll(values).checkAssert(value -> run.check(property, value));
            if (run.examples == 0) {
                break;
            }
            ran += run.examples;
        }
    }

    /**
     * One run of QuickTheories: counts the examples, and once a counterexample is found, stops paying for the
     * property when a quarter of its shrink attempts in a row found nothing smaller that still fails.
     */
    private static final class Run {

        int examples;
        boolean falsified;
        int staleShrinks;

        <T> void check(Property<T> property, T value) {
            if (falsified && staleShrinks >= shrinkCycles() / 4) {
                return;
            }
            try {
                property.check(value);
            } catch (RuntimeException | Error e) {
                falsified();
                throw e;
            } catch (Exception e) {
                falsified();
                throw new AssertionError("unexpected " + e, e);
            }
            if (falsified) {
                staleShrinks++;
            } else {
                examples++;
            }
        }

        private void falsified() {
            falsified = true;
            staleShrinks = 0;
        }
    }

    /**
     * Runs {@code checks} with at most {@code cycles} shrink attempts per failing property (and a quarter of them
     * without progress): for tests that only need the failure, not the smallest counterexample.
     */
    static void withShrinkCycles(int cycles, ThrowingCallable checks) throws Throwable {
        SHRINK_CYCLES_OVERRIDE.set(cycles);
        try {
            checks.call();
        } finally {
            SHRINK_CYCLES_OVERRIDE.remove();
        }
    }

    private static int shrinkCycles() {
        Integer override = SHRINK_CYCLES_OVERRIDE.get();
        return override != null ? override : SHRINK_CYCLES;
    }

    /** A new strategy per run: its random generator is stateful, and each property starts from the seed. */
    private static Strategy strategy(long seed, int examples) {
        // No time limit (-1): the number of examples alone decides, as a time box would make CI runs differ.
        return new Strategy(Configuration.defaultPRNG(seed), examples, -1,
                shrinkCycles(), 10, new ExceptionReporter(), prng -> new NoGuidance());
    }

    /**
     * Counts the outcomes of a property's examples, so that the property can assert its generators reach every case
     * it is meant to test (a generator that drifts to one outcome would leave the others untested, silently).
     */
    static final class Outcomes {

        private final Map<String, Integer> counts = new TreeMap<>();
        private int total;

        void add(Object outcome) {
            counts.merge(String.valueOf(outcome), 1, Integer::sum);
            total++;
        }

        /** Fails unless more than {@code minPercent} % of the examples had {@code outcome}. */
        void assertAbove(Object outcome, double minPercent) {
            double percent = 100.0 * counts.getOrDefault(String.valueOf(outcome), 0) / Math.max(1, total);
            if (percent <= minPercent) {
                throw new AssertionError(String.format("%s in %.1f %% of %d examples, expected more than %s %%: %s",
                        outcome, percent, total, minPercent, counts));
            }
        }

        @Override
        public String toString() {
            return total + " examples " + counts;
        }
    }
}
