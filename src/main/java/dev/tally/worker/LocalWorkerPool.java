package dev.tally.worker;

import dev.tally.job.ClaimedJob;
import dev.tally.job.JobAttempts;
import dev.tally.job.JobChangedEvent;
import dev.tally.job.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * In-process dispatch ({@code tally.queue=local}): the job table is the queue. A pump claims due
 * jobs into a bounded pool of {@code tally.worker.concurrency} threads, woken at once when a job
 * is queued in this process and otherwise polling, so jobs queued by a retry's backoff, a restart
 * or another process are found too. Leases are renewed by a heartbeat that also notices a cancel
 * and interrupts the attempt; expired leases of dead workers are handed back.
 */
class LocalWorkerPool implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LocalWorkerPool.class);

    private final JobAttempts attempts;
    private final JobProcessor processor;
    private final WorkerProperties properties;
    private final RetryProperties retry;
    private final boolean exclusiveStore;
    private final String owner = "local-" + UUID.randomUUID();
    private final Semaphore slots;
    private final Map<UUID, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean pending;
    private volatile boolean running;
    private ExecutorService workers;
    private ScheduledExecutorService housekeeping;
    private Thread pump;

    /**
     * @param exclusiveStore the store is an embedded database only this process can open, so
     *     any job found RUNNING at start was interrupted by a crash and is handed back at once
     */
    LocalWorkerPool(JobAttempts attempts, JobProcessor processor, WorkerProperties properties,
                    RetryProperties retry, boolean exclusiveStore) {
        this.attempts = attempts;
        this.processor = processor;
        this.properties = properties;
        this.retry = retry;
        this.exclusiveStore = exclusiveStore;
        this.slots = new Semaphore(properties.concurrency());
    }

    @EventListener
    void onJobChanged(JobChangedEvent event) {
        if (event.status() == JobStatus.QUEUED) {
            wake();
        }
    }

    void wake() {
        lock.lock();
        try {
            pending = true;
            wakeUp.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        var threadIds = new AtomicInteger();
        workers = Executors.newFixedThreadPool(properties.concurrency(),
                r -> daemon(r, "tally-worker-" + threadIds.incrementAndGet()));
        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tally-worker-heartbeat"));
        running = true;
        if (exclusiveStore) {
            int handedBack = attempts.releaseAbandoned(owner, true, retry.maxAttempts());
            if (handedBack > 0) {
                log.info("{} job(s) interrupted by the last shutdown or crash are queued again", handedBack);
            }
        }
        long beat = Math.max(100, properties.lease().toMillis() / 3);
        housekeeping.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::reap, beat, properties.lease().toMillis(), TimeUnit.MILLISECONDS);
        pump = daemon(this::pumpLoop, "tally-worker-pump");
        pump.start();
        log.info("local worker pool started: {} slot(s), owner {}", properties.concurrency(), owner);
    }

    private void pumpLoop() {
        while (running) {
            try {
                int free = slots.availablePermits();
                int claimed = 0;
                if (free > 0) {
                    List<ClaimedJob> jobs = attempts.claimDue(owner, free, properties.lease());
                    for (ClaimedJob job : jobs) {
                        slots.acquire();
                        dispatch(job);
                    }
                    claimed = jobs.size();
                }
                if (claimed == 0 || claimed < free) {
                    awaitWork();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("could not claim jobs; trying again shortly", e);
                sleepQuietly(properties.pollInterval());
            }
        }
    }

    private void dispatch(ClaimedJob job) {
        var entry = new InFlight(job);
        inFlight.put(job.id(), entry);
        entry.future = workers.submit(() -> run(entry));
    }

    private void run(InFlight entry) {
        ClaimedJob job = entry.job;
        try {
            processor.process(job);
        } catch (InterruptedException e) {
            if (!entry.cancelled) {
                // Shutting down: give the job back so another worker (or the next start) runs it.
                attempts.release(job);
            }
        } catch (RuntimeException e) {
            log.warn("attempt of job {} ended abnormally; its lease will expire and it runs again", job.id(), e);
        } finally {
            inFlight.remove(job.id());
            slots.release();
            wake();
        }
    }

    private void awaitWork() throws InterruptedException {
        long waitMillis = properties.pollInterval().toMillis();
        lock.lock();
        try {
            if (!pending && running) {
                wakeUp.await(waitMillis, TimeUnit.MILLISECONDS);
            }
            pending = false;
        } finally {
            lock.unlock();
        }
    }

    private void heartbeat() {
        for (InFlight entry : inFlight.values()) {
            try {
                if (!attempts.heartbeat(entry.job, properties.lease())) {
                    // Cancelled, deleted or taken over: stop working on it.
                    entry.cancelled = true;
                    Future<?> future = entry.future;
                    if (future != null) {
                        future.cancel(true);
                    }
                }
            } catch (RuntimeException e) {
                log.warn("heartbeat failed for job {}", entry.job.id(), e);
            }
        }
    }

    private void reap() {
        try {
            int handedBack = attempts.releaseAbandoned(owner, false, retry.maxAttempts());
            if (handedBack > 0) {
                log.warn("{} job(s) of workers that stopped responding are queued again", handedBack);
            }
        } catch (RuntimeException e) {
            log.warn("could not check for abandoned jobs", e);
        }
    }

    @Override
    public void stop() {
        running = false;
        wake();
        if (pump != null) {
            pump.interrupt();
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("{} job(s) still running after the shutdown grace period; handing them back", inFlight.size());
                workers.shutdownNow();
                workers.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        housekeeping.shutdownNow();
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

    /** A job being worked on here. */
    private static final class InFlight {
        final ClaimedJob job;
        volatile Future<?> future;
        volatile boolean cancelled;

        InFlight(ClaimedJob job) {
            this.job = job;
        }
    }
}
