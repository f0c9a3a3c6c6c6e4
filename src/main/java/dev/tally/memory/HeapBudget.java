package dev.tally.memory;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the heap that large documents take at once: fetched pages, submitted texts. While a
 * document is read, decoded and counted, its copies (bytes, chars, a document tree, the stored
 * form) take several times its size; with many of them near the size limit at once the heap runs
 * out (measured at {@code -Xmx512m}: 32 workers counting 32 pages of 10 MB, 6 jobs failed with
 * {@link OutOfMemoryError}; 64 concurrent submissions of 10 MB texts, the embedded store failed).
 *
 * <p>A document larger than {@link #largeBytes()} reserves {@code weight} times its size before
 * it is read when its length is known, else as soon as it grows past that size, for the largest
 * size allowed, cut down to the real size once read ({@link Reservation#shrinkTo}). The
 * reservation is held until the document is done with. Smaller documents reserve nothing: their
 * number is bounded by the threads that handle them, their size by the threshold. A document that
 * needs more than the whole budget takes all of it, so it is handled alone. Waiting is fair: the
 * first to ask is served first. Thread-safe.
 */
public final class HeapBudget {

    /** Documents up to this size reserve nothing, by default. */
    public static final int LARGE_BYTES = 256 * 1024;

    private final long largeBytes;
    private final int weight;
    /** Capacity and free room in kibibytes, so that any heap fits an int. */
    private final int capacity;
    private final Semaphore free;

    /**
     * @param budgetBytes the heap that large documents may take at once
     * @param largeBytes documents above this size reserve; others do not
     * @param weight the heap a large document takes, in multiples of its size
     */
    public HeapBudget(long budgetBytes, long largeBytes, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
        this.capacity = (int) Math.min(Integer.MAX_VALUE, Math.max(1, budgetBytes >> 10));
        this.largeBytes = largeBytes;
        this.weight = weight;
        this.free = new Semaphore(capacity, true);
    }

    /** A budget of {@code percent} % of the JVM's largest heap, for documents above {@link #LARGE_BYTES}. */
    public static HeapBudget ofHeapPercent(int percent, int weight) {
        return new HeapBudget(Runtime.getRuntime().maxMemory() / 100 * percent, LARGE_BYTES, weight);
    }

    /** Documents above this size reserve. */
    public long largeBytes() {
        return largeBytes;
    }

    /** Whether a document of this many bytes must reserve. */
    public boolean isLarge(long bytes) {
        return bytes > largeBytes;
    }

    /**
     * Reserves room for a document of {@code bytes}, waiting until {@code deadlineNanos} ({@link
     * System#nanoTime()}) at most.
     *
     * @return the reservation, or null if there was no room in time
     */
    public Reservation reserve(long bytes, long deadlineNanos) throws InterruptedException {
        int needed = weightOf(bytes);
        long wait = Math.max(0, deadlineNanos - System.nanoTime());
        return free.tryAcquire(needed, wait, TimeUnit.NANOSECONDS) ? new Reservation(needed) : null;
    }

    /** The bytes reserved now. */
    public long reservedBytes() {
        return (long) (capacity - free.availablePermits()) << 10;
    }

    private int weightOf(long bytes) {
        long kibibytes = (Math.max(0, bytes) * weight + 1023) >> 10;
        return (int) Math.max(1, Math.min(capacity, kibibytes));
    }

    /** Room held for one document; releasing it more than once gives the room back once. */
    public final class Reservation {

        private int held;

        private Reservation(int held) {
            this.held = held;
        }

        /** Keeps only the room a document of {@code bytes} needs (it was made for a larger size). */
        public synchronized void shrinkTo(long bytes) {
            int needed = Math.min(held, weightOf(bytes));
            free.release(held - needed);
            held = needed;
        }

        public synchronized void release() {
            free.release(held);
            held = 0;
        }
    }
}
