package dev.tally.worker;

import dev.tally.job.JobDispatches;
import dev.tally.job.Redispatched;
import dev.tally.signal.SurvivingTask;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Jobs whose message a worker let go of because it could not claim them: the store was
 * unreachable, so the job is still QUEUED with no message anywhere. They are re-dispatched as soon
 * as the store answers again (tried every {@link #RETRY_FIRST}, backing off to
 * {@link #RETRY_MAX}), instead of waiting for the reconciler to find them after
 * {@code tally.rabbitmq.stuck-after}. Bounded: beyond {@link #CAPACITY} jobs, and should this
 * process stop first, the reconciler remains their way back.
 */
class UnclaimedJobs implements SmartLifecycle {

    static final int CAPACITY = 10_000;
    static final Duration RETRY_FIRST = Duration.ofMillis(500);
    static final Duration RETRY_MAX = Duration.ofSeconds(10);
    private static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(UnclaimedJobs.class);

    /**
     * Gives the jobs still QUEUED without a pending dispatch a new one; returns those it dispatched,
     * and those whose dispatch a relay is sending right now.
     */
    private final Function<List<UUID>, Redispatched> redispatch;
    private final Duration retryFirst;
    private final Duration retryMax;
    private final Set<UUID> pending = new LinkedHashSet<>();
    private volatile boolean running;
    private Thread thread;

    UnclaimedJobs(JobDispatches dispatches, MeterRegistry meters) {
        this(dispatches::redispatch, RETRY_FIRST, RETRY_MAX, meters);
    }

    UnclaimedJobs(Function<List<UUID>, Redispatched> redispatch, Duration retryFirst, Duration retryMax, MeterRegistry meters) {
        this.redispatch = redispatch;
        this.retryFirst = retryFirst;
        this.retryMax = retryMax;
        Gauge.builder("tally.queue.unclaimed", this, UnclaimedJobs::size)
                .description("jobs whose claim failed while the store was unreachable, waiting to be dispatched again")
                .register(meters);
    }

    /** Remembers a job to re-dispatch; false when full (the reconciler will find it). */
    synchronized boolean add(UUID jobId) {
        if (pending.size() >= CAPACITY && !pending.contains(jobId)) {
            return false;
        }
        pending.add(jobId);
        notifyAll();
        return true;
    }

    synchronized int size() {
        return pending.size();
    }

    private void loop() {
        Duration wait = retryFirst;
        while (running) {
            try {
                List<UUID> batch = next();
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    Redispatched done = redispatch.apply(batch);
                    // A job whose dispatch a relay is sending right now (its message may be the one
                    // this worker let go of) stays, and is asked about again once the relay has ended.
                    remove(batch, done.inFlight());
                    if (!done.sent().isEmpty()) {
                        log.info("{} job(s) whose claim failed while the store was unreachable are dispatched again",
                                done.sent().size());
                    }
                    if (!done.inFlight().isEmpty()) {
                        pause(retryFirst);
                    }
                    wait = retryFirst;
                } catch (RuntimeException e) {
                    // Still unreachable: try again later; the jobs stay remembered.
                    log.debug("could not re-dispatch {} unclaimed job(s) yet: {}", batch.size(), e.getMessage());
                    pause(wait);
                    wait = wait.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : wait.multipliedBy(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits for remembered jobs; returns up to a batch of them (empty when stopping). */
    private synchronized List<UUID> next() throws InterruptedException {
        while (running && pending.isEmpty()) {
            wait(1_000);
        }
        List<UUID> batch = new ArrayList<>(Math.min(BATCH, pending.size()));
        for (UUID id : pending) {
            if (batch.size() == BATCH) {
                break;
            }
            batch.add(id);
        }
        return batch;
    }

    private synchronized void remove(List<UUID> batch, List<UUID> kept) {
        batch.forEach(pending::remove);
        pending.addAll(kept);
    }

    private synchronized void pause(Duration duration) throws InterruptedException {
        long until = System.nanoTime() + duration.toNanos();
        long left;
        while (running && (left = until - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(SurvivingTask.restartingLoop("unclaimed jobs re-dispatch", () -> running, this::loop),
                "tally-unclaimed-redispatch");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        synchronized (this) {
            notifyAll();
            if (!pending.isEmpty()) {
                log.info("{} unclaimed job(s) left to the reconciler", pending.size());
            }
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
