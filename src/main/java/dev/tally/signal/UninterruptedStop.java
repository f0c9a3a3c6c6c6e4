package dev.tally.signal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends an executor whose tasks read or write the store without interrupting them: H2 reads and
 * writes its file through interruptible channels, and a thread interrupted in one closes the
 * embedded store's file, failing every submission and result of the node's graceful stop. A task
 * under way may finish for up to {@link #WAIT}; then it is left to end on its own (the executor's
 * threads are daemons). Tasks not yet started are dropped: they would read a store being closed.
 */
public final class UninterruptedStop {

    public static final Duration WAIT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(UninterruptedStop.class);

    private UninterruptedStop() {
    }

    /** @param name what the executor does, for the log line when a task outlives the wait */
    public static void of(ExecutorService executor, String name) {
        if (executor instanceof ThreadPoolExecutor pool) {
            pool.getQueue().clear();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} still running {} after its stop; left to end on its own", name, WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
