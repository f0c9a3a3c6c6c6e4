package dev.tally.signal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.support.TaskUtils;

/**
 * A node's periodic background task (a heartbeat, a reconciler pass, a recheck of open streams)
 * that outlives its failures. A task a {@link java.util.concurrent.ScheduledExecutorService} runs
 * is never run again once it throws, silently, while the node goes on answering its probes as if
 * whole: a worker whose heartbeat ended lets every lease lapse, its jobs run twice. The tasks catch
 * the failures they expect (the store away); this catches the rest, an {@link Error} above all (an
 * {@link OutOfMemoryError} in a moment of memory pressure), logs it and leaves the schedule to run
 * the next turn, as Spring's own scheduler does for its repeating tasks. A loop on a thread of its
 * own (the outbox relay, the notification listener) is started again likewise.
 */
public final class SurvivingTask {

    private static final Logger log = LoggerFactory.getLogger(SurvivingTask.class);
    /** Between a loop's failure and its new start: a failure that repeats at once does not spin. */
    static final Duration RESTART_PAUSE = Duration.ofSeconds(1);

    private SurvivingTask() {
    }

    /**
     * @param name what the log calls the task when a run fails
     * @return {@code task}, made to log whatever a run throws instead of ending its schedule
     */
    public static Runnable of(String name, Runnable task) {
        return TaskUtils.decorateTaskWithErrorHandler(task,
                failure -> log.error("background task '{}' failed; it runs again at its next turn", name, failure), true);
    }

    /**
     * @param name    what the log calls the loop when it fails
     * @param running whether the loop should run (false once its component stops)
     * @param loop    runs until its component stops (or its thread is interrupted) and then returns
     * @return the body of the loop's thread: {@code loop}, started again a moment after whatever it
     *         throws while {@code running} holds
     */
    public static Runnable restartingLoop(String name, BooleanSupplier running, Runnable loop) {
        return restartingLoop(name, running, loop, RESTART_PAUSE);
    }

    static Runnable restartingLoop(String name, BooleanSupplier running, Runnable loop, Duration pause) {
        return () -> {
            while (running.getAsBoolean()) {
                try {
                    loop.run();
                    return;
                } catch (Throwable failure) {
                    if (!running.getAsBoolean()) {
                        return;
                    }
                    log.error("background loop '{}' failed; starting it again in {}", name, pause, failure);
                    try {
                        TimeUnit.NANOSECONDS.sleep(pause.toNanos());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        };
    }
}
