package dev.tally.job;

import dev.tally.memory.HeapBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads succeeded jobs' histograms within a heap budget. A histogram is read whole from the store
 * (compressed: ~4 MB for a million distinct random words) and held while it is decoded and sent,
 * which for a CSV download or the compatible API's answer lasts as long as the client takes to
 * read it. Unbounded, 150 slow downloads of such a job ran a 512 MB node out of memory
 * (2026-12-07). A histogram over {@link HeapBudget#LARGE_BYTES} reserves {@link #WEIGHT} times
 * its size (its bytes, the driver's copies while reading it) in a budget of {@link #HEAP_PERCENT}
 * % of the heap, waiting up to {@link #WAIT} for room; then it is refused with
 * {@link ResultsBusyException}.
 */
@Component
class StoredHistograms {

    static final int HEAP_PERCENT = 15;
    static final int WEIGHT = 3;
    static final Duration WAIT = Duration.ofSeconds(10);

    private final JobRepository repository;
    private final HeapBudget budget;
    private final Duration wait;

    @Autowired
    StoredHistograms(JobRepository repository, MeterRegistry meters) {
        this(repository, HeapBudget.ofHeapPercent(HEAP_PERCENT, WEIGHT), WAIT);
        Gauge.builder("tally.results.large.reserved", budget, HeapBudget::reservedBytes)
                .description("heap held by large histograms being read and sent (downloads, the compatible API's answers)")
                .baseUnit("bytes")
                .register(meters);
    }

    /** @param budget the heap budget; tests make it small, and the wait short */
    StoredHistograms(JobRepository repository, HeapBudget budget, Duration wait) {
        this.repository = repository;
        this.budget = budget;
        this.wait = wait;
    }

    /**
     * The job's stored histogram, holding its room in the budget until closed.
     *
     * @throws JobNotFoundException if the job has no result (it was deleted)
     * @throws ResultsBusyException if a large histogram found no room in time
     */
    Held read(UUID id) {
        long size = repository.histogramSize(id).orElseThrow(() -> new JobNotFoundException(id));
        HeapBudget.Reservation reservation = null;
        if (budget.isLarge(size)) {
            try {
                reservation = budget.reserve(size, System.nanoTime() + wait.toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (reservation == null) {
                throw new ResultsBusyException("the server is busy sending other large results; retry later");
            }
        }
        try {
            return new Held(repository.histogram(id).orElseThrow(() -> new JobNotFoundException(id)), reservation);
        } catch (RuntimeException e) {
            if (reservation != null) {
                reservation.release();
            }
            throw e;
        }
    }

    /** Heap held by large histograms now. */
    long reservedBytes() {
        return budget.reservedBytes();
    }

    /** A histogram as stored, and its room in the budget (none when small). */
    record Held(byte[] data, HeapBudget.Reservation reservation) implements AutoCloseable {

        @Override
        public void close() {
            if (reservation != null) {
                reservation.release();
            }
        }
    }
}
