package dev.tally.store;

import io.micrometer.core.instrument.Timer;
import java.util.function.IntSupplier;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;

/**
 * Finishes the upkeep's work once the store has gone quiet.
 *
 * <p>Under load, the upkeep's {@link CompactionRounds} move the live pages of the emptiest chunks
 * into the next commit, and the commits that keep coming write them, so those chunks die. Once the
 * commits stop, the pages a round moved wait in memory for a commit that does not come, the chunks
 * they came from stay alive, and every later round finds the same chunks again: after a 60 s burst,
 * a quiet store stayed at 5,213 chunks, 15 % live, for as long as it ran. This makes that commit
 * (the same run with it: 96 chunks, 60 % live, 40 s after the backlog's end).
 *
 * <p>Each {@link #run()} is one look. The store is quiet when its version has not moved since the
 * previous look (every commit that writes moves it). A quiet store whose chunks are less than
 * {@value CompactionRounds#TARGET_FILL_PERCENT} % live (90 % while the store is short of room; the share is
 * the whole store's, H2 then picks the chunks it rewrites by their fill and age) gets one step: the live pages of the emptiest
 * chunks rewritten (up to {@value #REWRITE_BYTES} bytes) and written, so those chunks die and their
 * space can be reused once the chunk retention has passed. A step holds the store lock (it rewrites
 * pages read back from the file: up to ~90 ms on the benchmark VM), and a commit arriving then
 * waits; only quiet stores take steps. After {@value #FRUITLESS_STEPS} steps in a row that did not
 * raise the share of live bytes, it waits for the next write, so an idle store is not rewritten for
 * ever.
 *
 * <p>The file does not get smaller by this: H2 appends chunks or reuses the holes in the file, and
 * cuts off only a free end. Moving chunks toward the start of the file
 * ({@code RandomAccessStore.compactMoveChunks}, what H2's own background writer does) would shrink
 * it, but it tripped an internal assertion of H2's in Tally's tests, and it is the part of H2 whose
 * past bugs put data at risk on a crash. The file shrinks when the store closes on a graceful stop
 * instead (the default URL's {@code DEFRAG_ALWAYS=TRUE}: H2 copies the live data into a new file).
 */
final class QuietStoreCompactor implements Runnable {

    /** Live bytes one step may rewrite: 8 MiB made steps of up to 420 ms on the benchmark VM. */
    static final int REWRITE_BYTES = 2 << 20;
    /** Steps in a row that did not raise the live share before the compactor waits for a write. */
    static final int FRUITLESS_STEPS = 8;

    private final MVStore store;
    private final IntSupplier targetFill;
    private final FileStore<?> file;
    private final Timer steps;
    private long versionSeen = -1;
    private int bestFillRate;
    private int fruitlessSteps;
    private int lastTarget = -1;

    /** @param steps times the steps (not the looks that find the store busy or compact enough) */
    QuietStoreCompactor(MVStore store, IntSupplier targetFill, Timer steps) {
        this.store = store;
        this.targetFill = targetFill;
        this.file = store.getFileStore();
        this.steps = steps;
    }

    @Override
    public void run() {
        if (store.isClosed()) {
            return;
        }
        int target = targetFill.getAsInt();
        if (store.getCurrentVersion() != versionSeen || target != lastTarget) {
            // Written to since the last look (not quiet), or the store became short of room or no
            // longer is: what the last steps found is stale.
            fruitlessSteps = 0;
            bestFillRate = -1;
            lastTarget = target;
        } else if (fruitlessSteps < FRUITLESS_STEPS && file.getChunksFillRate() < target) {
            steps.record(() -> step(target));
            // Dead chunks count until the chunk retention has passed, so a step shows a few looks later.
            int fillRate = file.getChunksFillRate();
            if (fillRate > bestFillRate) {
                bestFillRate = fillRate;
                fruitlessSteps = 0;
            } else {
                fruitlessSteps++;
            }
        }
        // A step's own commit moves the version too; the next look must not take it for a writer.
        versionSeen = store.getCurrentVersion();
    }

    private void step(int target) {
        store.compact(target, REWRITE_BYTES);
        // Writes this step's pages and those the last rounds left: nothing else commits on a quiet store.
        store.commit();
    }
}
