package dev.tally.store;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.h2.mvstore.MVStore;

/**
 * The upkeep's rounds: each moves the live pages of the emptiest chunks (written longer ago than the
 * chunk retention) into the next commit, so those chunks die and their space is reused.
 *
 * <p>Commits wait while a round runs, so each moves little: H2's own round moves up to a quarter of
 * its 19 MB write buffer, and run from here it doubled the submission p99 (29 to 78 ms at c=64);
 * 1 MiB every 100 ms kept it at 38-53 ms, and 256 KiB every 25 ms (the same bytes a second) at
 * 33-39 ms, for ~15 % more file per job (docs/benchmarks.md).
 *
 * <p>A round that moves nothing (the chunks are full enough, too young, or hold only pages H2 cannot
 * move) is not repeated until the store has been written to or a chunk retention has passed, the
 * only ways a chunk can become worth moving. Without that, a quiet store that a burst left with
 * 5,213 chunks walked all of them twice a round, ~38 rounds a second, for as long as it stayed quiet
 * (the idle process: 6.5-9.9 % of a core; 1.7-2.9 % with this and {@link QuietStoreCompactor}).
 */
final class CompactionRounds implements Runnable {

    /** Rewrite while less than this share of the chunks' bytes is live (store-wide). */
    static final int TARGET_FILL_PERCENT = 60;
    /**
     * The share while the store is short of room on its disk ({@link StoreSpace#isShort()}): the
     * dead bytes of a store more than 60 % live are the only room to be had then (a nearly full disk
     * with the chunks 62 % live stayed so, every submission refused, until this). The share is the
     * whole store's: below it, H2 picks the chunks it rewrites by their fill and age. Rounds cost
     * more then (4.6 ms on average, up to ~100 ms, against 0.06 ms, measured by a review), which the
     * commits of results and deletes wait for; submissions are refused meanwhile anyway.
     */
    static final int TIGHT_TARGET_FILL_PERCENT = 90;

    private final MVStore store;
    private final IntSupplier targetFill;
    private final int writeLimit;
    private final long retentionNanos;
    private final Timer timer;
    private long fruitlessVersion = -1;
    private long fruitlessAt;

    /**
     * @param targetFill the share of live bytes up to which chunks are rewritten, asked each round
     * @param writeLimit live bytes a round may move
     * @param retention the store's chunk retention: a chunk younger than that is not moved
     * @param timer times the rounds that run (not the ones skipped)
     */
    CompactionRounds(MVStore store, IntSupplier targetFill, int writeLimit, Duration retention, Timer timer) {
        this.store = store;
        this.targetFill = targetFill;
        this.writeLimit = writeLimit;
        this.retentionNanos = retention.toNanos();
        this.timer = timer;
    }

    @Override
    public void run() {
        if (store.isClosed()) {
            return;
        }
        long version = store.getCurrentVersion();
        if (version == fruitlessVersion && System.nanoTime() - fruitlessAt < retentionNanos) {
            return;
        }
        int target = targetFill.getAsInt();
        Boolean moved = timer.record(() -> store.compact(target, writeLimit));
        if (Boolean.TRUE.equals(moved)) {
            fruitlessVersion = -1;
        } else {
            fruitlessVersion = version;
            fruitlessAt = System.nanoTime();
        }
    }
}
