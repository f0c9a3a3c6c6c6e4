package dev.tally.signal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task a node runs every so often on a daemon thread of its own, each run {@code every} after the
 * last one ended (the first {@code every} after the start), outliving its failures
 * ({@link SurvivingTask}).
 */
public final class PeriodicTask {

    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final ScheduledExecutorService scheduler;
    private final String thread;

    private PeriodicTask(ScheduledExecutorService scheduler, String thread) {
        this.scheduler = scheduler;
        this.thread = thread;
    }

    /** @param thread the thread's name, also the task's in the log when a run fails */
    public static PeriodicTask start(String thread, Duration every, Runnable task) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        long millis = every.toMillis();
        scheduler.scheduleWithFixedDelay(SurvivingTask.of(thread, task), millis, millis, TimeUnit.MILLISECONDS);
        return new PeriodicTask(scheduler, thread);
    }

    /**
     * Ends the runs. One under way may finish, uninterrupted, for up to {@link #STOP_WAIT}; then it
     * is left to end on its own (the thread is a daemon). Not interrupted: H2 writes through
     * interruptible channels, and a run interrupted in a read or write of the embedded store closed
     * its file, failing every submission and result of the node's graceful stop.
     */
    public void stop() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} still running {} after its stop; left to end on its own", thread, STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isStopped() {
        return scheduler.isShutdown();
    }
}
