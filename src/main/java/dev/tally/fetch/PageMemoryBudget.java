package dev.tally.fetch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the heap that large pages take at once. While a page is fetched and counted, its body,
 * its decoded text and its document tree take several times its size; with many workers and pages
 * near the size limit the heap runs out (measured: 32 workers, 32 pages of 10 MB, {@code
 * -Xmx512m}: 6 of the 32 jobs failed with {@link OutOfMemoryError}).
 *
 * <p>A page larger than {@link #largePageBytes} reserves {@link #WEIGHT} times its size: before
 * its body is read when the answer declares its length, else as soon as the body grows past that
 * size, for the largest body allowed, cut down to the real size once read. The reservation is
 * held until the page is closed, after counting. Smaller pages reserve nothing: their number is
 * bounded by the workers, their size by the threshold. A page that needs more than the whole
 * budget takes all of it, so it runs alone. Waiting is fair: the first to ask is served first.
 * Thread-safe.
 */
final class PageMemoryBudget {

    /** Pages up to this size reserve nothing. */
    static final int LARGE_PAGE_BYTES = 256 * 1024;
    /**
     * The heap a page takes, in multiples of its size, while its body, its text (two bytes per
     * char in the worst case) and its document tree are all alive: a 10 MB HTML page allocates
     * about 98 MB while counted (MemoryBenchmark), part of which is garbage before the end.
     */
    static final int WEIGHT = 8;

    private final long largePageBytes;
    /** Capacity and free room in kibibytes, so that any heap fits an int. */
    private final int capacity;
    private final Semaphore free;

    /**
     * @param budgetBytes the heap that large pages may take at once
     * @param largePageBytes pages above this size reserve; others do not
     */
    PageMemoryBudget(long budgetBytes, long largePageBytes) {
        this.capacity = (int) Math.min(Integer.MAX_VALUE, Math.max(1, budgetBytes >> 10));
        this.largePageBytes = largePageBytes;
        this.free = new Semaphore(capacity, true);
    }

    /** A budget of {@code percent} % of the JVM's largest heap. */
    static PageMemoryBudget ofHeapPercent(int percent) {
        return new PageMemoryBudget(Runtime.getRuntime().maxMemory() / 100 * percent, LARGE_PAGE_BYTES);
    }

    /** Whether a page of this many bytes must reserve. */
    boolean isLarge(long pageBytes) {
        return pageBytes > largePageBytes;
    }

    /**
     * Reserves room for a page of {@code pageBytes}, waiting until {@code deadlineNanos} ({@link
     * System#nanoTime()}) at most.
     *
     * @return the reservation, or null if there was no room in time
     */
    Reservation reserve(long pageBytes, long deadlineNanos) throws InterruptedException {
        int weight = weightOf(pageBytes);
        long wait = Math.max(0, deadlineNanos - System.nanoTime());
        return free.tryAcquire(weight, wait, TimeUnit.NANOSECONDS) ? new Reservation(weight) : null;
    }

    /** The bytes reserved now. */
    long reservedBytes() {
        return (long) (capacity - free.availablePermits()) << 10;
    }

    private int weightOf(long pageBytes) {
        long kibibytes = (Math.max(0, pageBytes) * WEIGHT + 1023) >> 10;
        return (int) Math.max(1, Math.min(capacity, kibibytes));
    }

    /** Room held for one page; releasing it more than once gives the room back once. */
    final class Reservation {

        private int held;

        private Reservation(int held) {
            this.held = held;
        }

        /** Keeps only the room a page of {@code pageBytes} needs (it was made for a larger size). */
        synchronized void shrinkTo(long pageBytes) {
            int needed = Math.min(held, weightOf(pageBytes));
            free.release(held - needed);
            held = needed;
        }

        synchronized void release() {
            free.release(held);
            held = 0;
        }
    }
}
