package dev.tally.signal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task a node runs every so often on a daemon thread of its own, each run {@code every} after the
 * last one ended (the first {@code every} after the start), outliving its failures
 * ({@link SurvivingTask}).
 */
public final class PeriodicTask {

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

    /** Ends the runs; one under way may finish, uninterrupted ({@link UninterruptedStop}). */
    public void stop() {
        UninterruptedStop.of(scheduler, thread);
    }

    public boolean isStopped() {
        return scheduler.isShutdown();
    }
}
