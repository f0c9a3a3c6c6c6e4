package dev.tally.api;

import dev.tally.job.Job;
import dev.tally.job.Jobs;
import dev.tally.security.CredentialCheck;
import dev.tally.signal.SurvivingTask;
import dev.tally.signal.UninterruptedStop;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/jobs/{id}/events}: an event {@code job} (id = the job's version) with the
 * job now and at every change, ending after a terminal state. A reconnecting client always gets
 * the current state first, so it cannot miss the final one. Comments keep idle streams alive
 * through proxies. A stream also reads its job again every {@code tally.api.event-stream-recheck},
 * in case an announcement of a change did not reach this node. A stream ends when the process
 * begins to stop ({@link JobWatchers}); the client reconnects to a node that is up.
 */
@Component
class JobEventStreams implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);

    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final JobWatchers watchers;
    private final Jobs jobs;
    private final ParkedRequestLimits limits;
    private final ScheduledThreadPoolExecutor keepAlive = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "tally-sse-keepalive");
        t.setDaemon(true);
        return t;
    });

    /** The open streams, their jobs and their clients' credentials, for the rechecks. */
    private final Map<Stream, Watched> open = new ConcurrentHashMap<>();
    /**
     * Reads the open streams' jobs again, one pass at a time, on a thread of its own: a pass that
     * waits on an unreachable store holds up neither the pings nor the long-polls' answers.
     */
    private final ScheduledExecutorService rechecks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tally-sse-recheck");
        t.setDaemon(true);
        return t;
    });

    JobEventStreams(JobWatchers watchers, Jobs jobs, ParkedRequestLimits limits, ApiProperties properties) {
        this.watchers = watchers;
        this.jobs = jobs;
        this.limits = limits;
        // A stream that ended takes its pings out of the queue at once, rather than leaving them
        // there until their time at every short stream.
        keepAlive.setRemoveOnCancelPolicy(true);
        long every = properties.eventStreamRecheck().toMillis();
        rechecks.scheduleWithFixedDelay(SurvivingTask.of("event stream recheck", this::recheck),
                every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Ends the threads when the context closes; the streams have ended with the stop
     * ({@link JobWatchers}). A recheck reads the store, so it is not interrupted
     * ({@link UninterruptedStop}).
     */
    @Override
    public void close() {
        UninterruptedStop.of(rechecks, "event stream recheck");
        keepAlive.shutdownNow();
    }

    /**
     * Opens a stream of {@code client}'s job. One that will stay open takes a place among the
     * node's parked requests first, and is refused before anything is sent when there is none
     * ({@link ParkedRequestLimits}); a finished job's stream sends it and ends.
     */
    SseEmitter open(Job job, String client, CredentialCheck credential) {
        var emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        var stream = new Stream(emitter);
        if (job.status().isTerminal()) {
            stream.send(job);
            return emitter;
        }
        Runnable leave = limits.admit(client);
        if (!stream.send(job)) {
            leave.run();
            return emitter;
        }
        Runnable stopWatching = watchers.watch(job.id(), stream::onChange);
        ScheduledFuture<?> pings = keepAlive.scheduleWithFixedDelay(stream::ping,
                KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        open.put(stream, new Watched(job.id(), credential));
        Runnable endOnStop = watchers.untilStop(stream::finish);
        stream.whenDone(() -> {
            stopWatching.run();
            pings.cancel(false);
            open.remove(stream);
            endOnStop.run();
            leave.run();
        });
        emitter.onCompletion(stream::end);
        emitter.onTimeout(stream::finish);
        emitter.onError(e -> stream.end());
        // A change between the first read and the registration above was announced to nobody:
        // without this read, a job that finished meanwhile kept its stream open (pinged, never
        // ended) until the 30-minute timeout. Sending is by version, so nothing is sent twice.
        // Should that read fail (the store just went), the stream is answered all the same, with
        // the state read a moment ago, and the next recheck reads again: a failure thrown from
        // here would leave the registered stream pinged, never started, never timed out.
        watchers.reread(job.id(), stream::onChange);
        return emitter;
    }

    /**
     * Tells every open stream its job as the store has it now: a change whose announcement did not
     * reach this node is sent, a job that ended ends its stream. Stops at the first read that
     * fails (the store is unreachable): the next pass reads again. A stream whose client's
     * credential no longer holds (its API key revoked, its token expired) is ended: the client
     * that comes back gets its 401.
     */
    private void recheck() {
        for (Map.Entry<Stream, Watched> stream : open.entrySet()) {
            Watched watched = stream.getValue();
            if (!watched.credential().holds()) {
                log.info("event stream of job {} ended: the credential it was opened with was revoked or expired",
                        watched.jobId());
                stream.getKey().finish();
                continue;
            }
            Optional<Job> job;
            try {
                job = jobs.find(watched.jobId());
            } catch (RuntimeException e) {
                log.debug("event streams not rechecked: {}", e.getMessage());
                return;
            }
            stream.getKey().onChange(job);
        }
    }

    private record Watched(UUID jobId, CredentialCheck credential) {
    }

    /**
     * One stream's state. It lets go of its job's changes and its pings itself when it ends
     * (finished, failed to send, timed out, cut off), not only through the emitter's completion
     * callback: an emitter completed before Spring MVC took it over (the job ended while the
     * stream was being opened) never calls that callback, and its stream stayed registered and
     * pinged for good (a by-hand soak left 33 of 2,712 so).
     */
    private static final class Stream {
        private final SseEmitter emitter;
        private long sentVersion = -1;
        private boolean done;
        private Runnable cleanUp;

        Stream(SseEmitter emitter) {
            this.emitter = emitter;
        }

        /** What lets go of the stream's registrations; run at once if the stream has already ended. */
        synchronized void whenDone(Runnable cleanUp) {
            this.cleanUp = cleanUp;
            if (done) {
                release();
            }
        }

        synchronized void onChange(Optional<Job> job) {
            if (job.isEmpty()) {
                finish();
            } else {
                send(job.get());
            }
        }

        /** @return whether the stream stays open */
        synchronized boolean send(Job job) {
            if (done) {
                return false;
            }
            if (job.version() > sentVersion) {
                try {
                    emitter.send(SseEmitter.event()
                            .name("job")
                            .id(Long.toString(job.version()))
                            .data(JobView.of(job, JobView.DEFAULT_TOP), MediaType.APPLICATION_JSON));
                    sentVersion = job.version();
                } catch (IOException | IllegalStateException e) {
                    end();
                    return false;
                }
            }
            if (job.status().isTerminal()) {
                finish();
                return false;
            }
            return true;
        }

        synchronized void ping() {
            if (done) {
                return;
            }
            try {
                emitter.send(SseEmitter.event().comment("keep-alive"));
            } catch (IOException | IllegalStateException e) {
                end();
            }
        }

        /** Ends the stream from this side: the client sees its end. */
        synchronized void finish() {
            if (!done) {
                end();
                emitter.complete();
            }
        }

        /** The stream is over (whoever ended it): no more sends, registrations let go. */
        synchronized void end() {
            done = true;
            release();
        }

        private void release() {
            if (cleanUp != null) {
                Runnable once = cleanUp;
                cleanUp = null;
                once.run();
            }
        }
    }
}
