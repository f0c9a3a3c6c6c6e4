package dev.tally.api;

import dev.tally.job.Job;
import dev.tally.job.JobChangedEvent;
import dev.tally.job.JobDeletedEvent;
import dev.tally.job.Jobs;
import dev.tally.signal.UninterruptedStop;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Parked observers of jobs (long-polls and event streams). No thread is held per observer: each
 * is a callback, run when a change of its job is announced — by this process, or by another node
 * through the store's change notifications. The job is read once per change, whatever the number
 * of observers.
 *
 * <p>When the process begins to stop, every observer is released at once (a long-poll answered
 * with the job as it is, an event stream ended) and new ones are not parked: the web server's
 * graceful shutdown waits for open requests, and parked ones would have held every stop for its
 * whole time limit (30 s) and then been cut off unanswered. A client polls again, or its
 * {@code EventSource} reconnects, to a node that is up.
 */
@Component
class JobWatchers implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobWatchers.class);

    private final Jobs jobs;
    private final Map<UUID, Set<Consumer<Optional<Job>>>> watchers = new ConcurrentHashMap<>();
    /** What ends each parked request when the process stops. */
    private final Set<Runnable> releases = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile boolean stopping;
    private final ExecutorService readers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "tally-job-watchers");
        t.setDaemon(true);
        return t;
    });

    /**
     * Ends waits on time. The servlet container would too (an async request's timeout), but Tomcat
     * looks for expired requests once a second, so a one-second long poll answered after up to two.
     */
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "tally-job-watch-deadlines");
        t.setDaemon(true);
        return t;
    });

    JobWatchers(Jobs jobs, MeterRegistry meters) {
        // A wait that ends early (the job changed) takes its deadline out of the queue at once.
        deadlines.setRemoveOnCancelPolicy(true);
        this.jobs = jobs;
        Gauge.builder("tally.api.parked", this, JobWatchers::parked)
                .description("long-polls and event streams waiting for a job to change")
                .register(meters);
    }

    /** Calls {@code onChange} with the job's new state (empty if deleted) at every change until removed. */
    Runnable watch(UUID id, Consumer<Optional<Job>> onChange) {
        // Added inside the map's atomic update: added after it (to the set computeIfAbsent returned),
        // it raced another observer's removal, which could drop that set, empty, from the map first;
        // the observer then sat in a set no change reaches (a long-poll answered only at its deadline).
        watchers.compute(id, (k, set) -> {
            Set<Consumer<Optional<Job>>> observers = set == null ? ConcurrentHashMap.newKeySet() : set;
            observers.add(onChange);
            return observers;
        });
        return () -> watchers.computeIfPresent(id, (k, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Runs {@code onExpiry} after {@code wait}, off the timer thread; returns what cancels it (a
     * no-op once it ran).
     */
    Runnable after(Duration wait, Runnable onExpiry) {
        ScheduledFuture<?> deadline = deadlines.schedule(() -> readers.execute(onExpiry), wait.toNanos(), TimeUnit.NANOSECONDS);
        return () -> deadline.cancel(false);
    }

    /**
     * Runs {@code release} when the process begins to stop, or at once if it has; returns what
     * unregisters it (when the request ended on its own).
     */
    Runnable untilStop(Runnable release) {
        releases.add(release);
        if (stopping && releases.remove(release)) {
            release.run();
        }
        return () -> releases.remove(release);
    }

    /** Also after a stop: a context can be stopped and started again (Spring's test contexts pause). */
    @Override
    public void start() {
        stopping = false;
        running = true;
    }

    @Override
    public void stop() {
        stopping = true;
        for (Runnable release : releases) {
            if (releases.remove(release)) {
                release.run();
            }
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Ends the threads when the context closes (a stop keeps them: the context may start again).
     * The readers' reads of the store are not interrupted ({@link UninterruptedStop}); the timer
     * only hands work to them.
     */
    @Override
    public void close() {
        deadlines.shutdownNow();
        UninterruptedStop.of(readers, "tally-job-watchers");
    }

    /** Before the web server's graceful shutdown, which waits for the requests released here. */
    @Override
    public int getPhase() {
        return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;
    }

    int parked() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    /** Whether a change of the job reaches {@code onChange} now. */
    boolean reaches(UUID jobId, Consumer<Optional<Job>> onChange) {
        Set<Consumer<Optional<Job>>> observers = watchers.get(jobId);
        return observers != null && observers.contains(onChange);
    }

    /** The observers of one job right now; tests wait on it to know a long poll has parked. */
    int parked(UUID jobId) {
        Set<Consumer<Optional<Job>>> observers = watchers.get(jobId);
        return observers == null ? 0 : observers.size();
    }

    /** A deleted job's observers hear of it at once (as an empty job), on any node. */
    @EventListener
    void onJobDeleted(JobDeletedEvent event) {
        Set<Consumer<Optional<Job>>> observers = watchers.get(event.jobId());
        if (observers != null) {
            readers.execute(() -> observers.forEach(observer -> observer.accept(Optional.empty())));
        }
    }

    @EventListener
    void onJobChanged(JobChangedEvent event) {
        if (!watchers.containsKey(event.jobId())) {
            return;
        }
        // Off the announcing thread: it may be a worker or the notification listener.
        readers.execute(() -> {
            Set<Consumer<Optional<Job>>> observers = watchers.get(event.jobId());
            if (observers == null || observers.isEmpty()) {
                return;
            }
            Optional<Job> job;
            try {
                job = jobs.find(event.jobId());
            } catch (RuntimeException e) {
                log.warn("could not read job {} after its change ({}); its long-polls are answered at their end,"
                        + " its event streams at their next recheck", event.jobId(), e.getMessage());
                return;
            }
            for (Consumer<Optional<Job>> observer : observers) {
                observer.accept(job);
            }
        });
    }

    /**
     * Reads the job and tells {@code observer}, off the caller's thread; a read that fails is
     * left for the next (an event stream's recheck).
     */
    void reread(UUID id, Consumer<Optional<Job>> observer) {
        readers.execute(() -> {
            try {
                observer.accept(jobs.find(id));
            } catch (RuntimeException e) {
                log.debug("could not read job {} again: {}", id, e.getMessage());
            }
        });
    }
}
