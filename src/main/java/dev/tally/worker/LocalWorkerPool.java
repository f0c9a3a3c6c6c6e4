package dev.tally.worker;

import dev.tally.job.ClaimedJob;
import dev.tally.job.JobAttempts;
import dev.tally.job.JobChangedEvent;
import dev.tally.job.JobStatus;
import dev.tally.job.JobsQueuedEvent;
import dev.tally.signal.SurvivingTask;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import dev.tally.signal.WakeSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * In-process dispatch ({@code tally.queue=local}): the job table is the queue. A pump claims due
 * jobs into a bounded pool of {@code tally.worker.concurrency} threads, woken at once when a job
 * is queued in this process and otherwise polling, so retries whose backoff ended, jobs left by a
 * crash and jobs queued by other processes are found too.
 */
class LocalWorkerPool implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LocalWorkerPool.class);

    /** How long a claim may wait for more free workers while a backlog lasts (a few job completions). */
    private static final long MAX_CLAIM_DEFERRAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final JobAttempts attempts;
    private final AttemptRunner runner;
    private final WorkerProperties properties;
    private final RetryProperties retry;
    private final boolean exclusiveStore;
    private final String owner = "local-" + UUID.randomUUID();
    private final WakeSignal wakeUp = new WakeSignal();
    private final ClaimFailureLog claimFailures;
    private volatile boolean running;
    private WorkerThreads workers;
    private Thread pump;

    /**
     * @param exclusiveStore the store is an embedded database only this process can open, so
     *     any job found RUNNING at start was interrupted by a crash and is handed back at once
     */
    LocalWorkerPool(JobAttempts attempts, AttemptRunner runner, WorkerProperties properties,
                    RetryProperties retry, boolean exclusiveStore) {
        this.attempts = attempts;
        this.runner = runner;
        this.properties = properties;
        this.retry = retry;
        this.exclusiveStore = exclusiveStore;
        this.claimFailures = new ClaimFailureLog(log, properties.pollInterval());
    }

    /** Jobs queued by this process: one wake per transaction, however many jobs it queued. */
    @EventListener
    void onJobsQueued(JobsQueuedEvent event) {
        wake();
    }

    /** Jobs queued by another node sharing the store (this process's own come as {@link JobsQueuedEvent}s). */
    @EventListener
    void onJobChanged(JobChangedEvent event) {
        if (event.status() == JobStatus.QUEUED && !event.local()) {
            wake();
        }
    }

    void wake() {
        wakeUp.signal();
    }

    @Override
    public void start() {
        workers = new WorkerThreads(runner, properties.concurrency());
        running = true;
        if (exclusiveStore) {
            int handedBack = attempts.releaseAbandoned(owner, true, retry.maxAttempts());
            if (handedBack > 0) {
                log.info("{} job(s) interrupted by the last shutdown or crash are queued again", handedBack);
            }
        }
        pump = daemon(SurvivingTask.restartingLoop("local worker pump", () -> running, this::pumpLoop), "tally-worker-pump");
        pump.start();
        log.info("local worker pool started: {} slot(s), owner {}", properties.concurrency(), owner);
    }

    private void pumpLoop() {
        // While a backlog lasts (the last claim got all it asked for), wait a moment for a few workers
        // to be free, so that each claim transaction takes several jobs; when the queue may be empty,
        // claim at once for the first free worker.
        int batch = Math.max(1, properties.concurrency() / 4);
        boolean backlog = false;
        long lastClaim = System.nanoTime();
        while (running) {
            try {
                int free = workers.free();
                if (backlog && free > 0 && free < batch && System.nanoTime() - lastClaim < MAX_CLAIM_DEFERRAL_NANOS) {
                    wakeUp.await(Duration.ofMillis(1));
                    continue;
                }
                int claimed = 0;
                if (free > 0) {
                    lastClaim = System.nanoTime();
                    List<ClaimedJob> jobs = attempts.claimDue(owner, free, properties.lease());
                    claimFailures.succeeded();
                    for (ClaimedJob job : jobs) {
                        // A slot is free for each (at most the free count was claimed); only a
                        // stop could refuse one, and the pump stops before the threads do.
                        if (!workers.take() || !workers.start(job, this::wake)) {
                            attempts.release(job);
                        }
                    }
                    claimed = jobs.size();
                    backlog = claimed == free;
                }
                if (claimed < free || free == 0) {
                    awaitWork();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                claimFailures.failed(e);
                sleepQuietly(properties.pollInterval());
            }
        }
    }

    private void awaitWork() throws InterruptedException {
        wakeUp.await(properties.pollInterval());
    }

    @Override
    public void stop() {
        running = false;
        wake();
        try {
            if (pump != null) {
                // Not interrupted: an interrupt inside its claim could close an embedded store's file.
                pump.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.stop(properties.shutdownGrace());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stop before the web server and the data source go away.
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
