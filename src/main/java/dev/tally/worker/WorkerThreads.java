package dev.tally.worker;

import dev.tally.job.ClaimedJob;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run claimed jobs ({@code tally.worker.concurrency} of them) and their slots.
 * Whoever claims jobs takes a slot for each first, so a job is only claimed when a thread is free
 * to start it at once: a claimed job never waits, lease ticking, behind the others.
 */
final class WorkerThreads {

    private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);

    private final AttemptRunner runner;
    private final Semaphore slots;
    private final ExecutorService threads;
    private volatile boolean stopping;

    WorkerThreads(AttemptRunner runner, int concurrency) {
        this.runner = runner;
        this.slots = new Semaphore(concurrency);
        var threadIds = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "tally-worker-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Slots free now. */
    int free() {
        return slots.availablePermits();
    }

    /**
     * Takes one slot, waiting for a job to end if none is free.
     *
     * @return false, with no slot taken, once the threads are stopping
     */
    boolean take() throws InterruptedException {
        while (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (stopping) {
                return false;
            }
        }
        if (stopping) {
            slots.release();
            return false;
        }
        return true;
    }

    /** Takes up to {@code wanted} more slots without waiting; returns how many it took. */
    int takeFree(int wanted) {
        int taken = 0;
        while (taken < wanted && slots.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    /** Gives back slots taken for jobs that were not claimed after all. */
    void giveBack(int count) {
        if (count > 0) {
            slots.release(count);
        }
    }

    /**
     * Runs a job claimed with a slot already taken; the slot is free again when the job ends.
     *
     * @return false when the threads are stopping: the job did not start (its slot is given back)
     */
    boolean start(ClaimedJob job, Runnable afterwards) {
        try {
            threads.execute(() -> {
                try {
                    runner.run(job);
                } finally {
                    slots.release();
                    afterwards.run();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            slots.release();
            return false;
        }
    }

    /**
     * Lets running jobs finish for {@code grace}, then interrupts them (they hand their jobs back
     * to the queue) and waits a little more.
     */
    void stop(Duration grace) {
        stopping = true;
        threads.shutdown();
        try {
            if (!threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("{} job(s) still running after the shutdown grace period; handing them back", runner.inFlight());
                runner.interruptAll();
                threads.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            runner.interruptAll();
            Thread.currentThread().interrupt();
        }
    }

    boolean isStopped() {
        return stopping;
    }
}
