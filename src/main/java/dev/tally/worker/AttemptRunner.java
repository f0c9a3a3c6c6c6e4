package dev.tally.worker;

import dev.tally.correlation.LogContext;
import dev.tally.job.ClaimedJob;
import dev.tally.job.JobAttempts;
import dev.tally.job.JobChangedEvent;
import dev.tally.job.JobDeletedEvent;
import dev.tally.job.JobStatus;
import dev.tally.signal.SurvivingTask;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs claimed jobs on the caller's thread while keeping their leases alive. The heartbeat renews
 * each running job's lease every third of it; when renewal fails the job was cancelled, deleted or
 * taken over, so its attempt is stopped (interrupted while fetching or counting, never inside a
 * store call: see {@link InterruptGate}) and its result will be discarded. A cancellation or
 * deletion this node hears of (made here, or on another node sharing the store) stops the attempt
 * at once, so the worker and the site's connection are free without waiting up to a third of a
 * lease for the heartbeat; the heartbeat still catches what no notice reaches. A job interrupted
 * by shutdown is handed back to the queue.
 */
@Component
class AttemptRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);

    private final JobAttempts attempts;
    private final JobProcessor processor;
    private final WorkerProperties properties;
    private final Map<UUID, Running> running = new ConcurrentHashMap<>();
    private ScheduledExecutorService heartbeat;
    private volatile boolean started;

    AttemptRunner(JobAttempts attempts, JobProcessor processor, WorkerProperties properties) {
        this.attempts = attempts;
        this.processor = processor;
        this.properties = properties;
    }

    /** Processes the job to its end, or hands it back if interrupted by shutdown. */
    void run(ClaimedJob job) {
        var entry = new Running(job, new InterruptGate(Thread.currentThread()));
        // Not a try-with-resources: the lines of the catch clauses below are the job's too.
        LogContext.Scope logContext = entry.logContext();
        Running other = running.put(job.id(), entry);
        if (other != null && other.job.attempt() > job.attempt()) {
            // This attempt is the stale one (it reached here after a later claim's attempt did):
            // its writes would be refused, so it does not start.
            running.replace(job.id(), entry, other);
            log.info("attempt {} of job {} not started: attempt {} holds the job", job.attempt(), job.id(), other.job.attempt());
            logContext.close();
            return;
        }
        if (other != null) {
            // This node's earlier attempt, whose lease lapsed (its renewals failed for longer than
            // the lease): its writes are refused now (leases are per attempt), so it only holds a
            // worker and the site's connection.
            other.lostLease = true;
            other.gate.requestStop();
            log.info("job {} claimed again by this node; stopping its earlier attempt {}", job.id(), other.job.attempt());
        }
        try {
            processor.process(job, entry.gate);
        } catch (InterruptedException e) {
            entry.gate.shut();
            if (!entry.lostLease) {
                attempts.release(job);
                log.info("job {} handed back to the queue: worker stopping", job.id());
            }
        } catch (RuntimeException e) {
            log.warn("attempt of job {} ended abnormally; its lease will expire and it runs again", job.id(), e);
        } finally {
            // Only this attempt's entry: a job whose lease lapsed under this attempt (its renewals
            // failing for longer than the lease) may have been claimed again by this node meanwhile,
            // and that attempt's entry is what its renewals and stops go by.
            running.remove(job.id(), entry);
            // No interrupt reaches this thread from now on, so it can be reused.
            entry.gate.shut();
            logContext.close();
        }
    }

    int inFlight() {
        return running.size();
    }

    /** Interrupts every running attempt (shutdown grace is over); they hand their jobs back. */
    void interruptAll() {
        running.values().forEach(r -> r.gate.requestStop());
    }

    @EventListener
    void stopIfCancelled(JobChangedEvent event) {
        if (event.status() == JobStatus.CANCELLED) {
            stopEnded(event.jobId(), "cancelled");
        }
    }

    @EventListener
    void stopIfDeleted(JobDeletedEvent event) {
        stopEnded(event.jobId(), "deleted");
    }

    /** Stops the attempt of a job that ended elsewhere; its lease is gone, so it is not handed back. */
    private void stopEnded(UUID jobId, String how) {
        Running entry = running.get(jobId);
        if (entry != null) {
            entry.lostLease = true;
            entry.gate.requestStop();
            try (LogContext.Scope logContext = entry.logContext()) {
                log.info("job {} was {}; stopping its attempt", jobId, how);
            }
        }
    }

    private void beat() {
        for (Running entry : running.values()) {
            try (LogContext.Scope logContext = entry.logContext()) {
                renewOrStop(entry);
            }
        }
    }

    private void renewOrStop(Running entry) {
        try {
            if (!attempts.heartbeat(entry.job, properties.lease())) {
                entry.lostLease = true;
                entry.gate.requestStop();
                log.info("job {} was cancelled, deleted or taken over; stopping its attempt", entry.job.id());
            }
        } catch (RuntimeException e) {
            log.warn("heartbeat failed for job {}", entry.job.id(), e);
        }
    }

    @Override
    public void start() {
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-worker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, properties.lease().toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(SurvivingTask.of("worker heartbeat", this::beat),
                every, every, TimeUnit.MILLISECONDS);
        started = true;
    }

    @Override
    public void stop() {
        started = false;
        // Whatever is still running once its pool or consumer had its grace period goes back.
        if (!running.isEmpty()) {
            interruptAll();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        // Not interrupted: a renewal interrupted in an embedded store's write would close its file.
        heartbeat.shutdown();
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        // Stopped after the pools and consumers that use it (they stop at lower phases).
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }

    private static final class Running {
        final ClaimedJob job;
        final InterruptGate gate;
        volatile boolean lostLease;

        Running(ClaimedJob job, InterruptGate gate) {
            this.job = job;
            this.gate = gate;
        }

        /** The job's ids in this thread's logging context, until closed. */
        LogContext.Scope logContext() {
            return LogContext.job(job.id(), job.requestId());
        }
    }
}
