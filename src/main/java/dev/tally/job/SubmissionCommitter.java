package dev.tally.job;

import dev.tally.correlation.Origin;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit of new jobs. Submissions wait in a bounded queue; writer threads take everything
 * waiting (up to {@link SubmitProperties#maxBatch()}) and insert it in one transaction, so
 * concurrent submissions share one commit (one disk write) instead of paying one each. There is
 * no linger delay: a lone submission is committed at once, and batches form by themselves from
 * the submissions that arrive while a commit is in progress.
 *
 * <p>A caller returns only after its job is committed. When a batch fails for a reason other than
 * the store being unreachable, its members are committed one by one, so a submission the store
 * refuses fails alone, with its own error.
 */
@Component
class SubmissionCommitter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SubmissionCommitter.class);
    /**
     * Most text committed in one transaction (a larger text goes alone). The store serializes a
     * transaction's rows at commit; a batch of 10 MB texts ran the heap out at {@code -Xmx512m}
     * (H2's write buffer, 64 concurrent text submissions).
     */
    static final long MAX_BATCH_TEXT_BYTES = 1 << 20;

    private final JobBatchInserts inserts;
    private final TransactionTemplate transactions;
    private final SubmitProperties properties;
    private final int writerCount;
    private final BlockingQueue<Pending> queue;
    private final DistributionSummary batchSizes;
    private final ApplicationEventPublisher events;
    private final List<Thread> writers = new ArrayList<>();
    /** Each writer's batch while it writes it, for the watchdog. */
    private final Map<Thread, List<Pending>> writing = new ConcurrentHashMap<>();
    private volatile boolean running;

    SubmissionCommitter(JobBatchInserts inserts, PlatformTransactionManager transactionManager,
                        SubmitProperties properties, MeterRegistry meters, ApplicationEventPublisher events) {
        this.inserts = inserts;
        this.events = events;
        this.properties = properties;
        this.writerCount = properties.writerCount();
        this.queue = new ArrayBlockingQueue<>(properties.maxPending());
        this.transactions = new TransactionTemplate(transactionManager);
        // Statements get the same bound as the callers, so a hung store cannot hold a writer forever.
        transactions.setTimeout((int) Math.max(1, (properties.commitTimeout().toMillis() + 999) / 1000));
        this.batchSizes = DistributionSummary.builder("tally.submit.batch.size")
                .description("new jobs committed per transaction")
                .register(meters);
    }

    /**
     * Stores a new job (and its text) durably, usually together with other submissions; returns
     * once it is committed.
     *
     * @param origin the request submitting it
     * @throws AdmissionRefusedException when {@link SubmitProperties#maxPending()} submissions are
     *     already waiting
     * @throws QueryTimeoutException when the store did not commit it within the commit timeout
     * @throws org.springframework.dao.DataAccessException the store's own error for this job
     */
    void commit(Job job, byte[] text, Origin origin) {
        var pending = new Pending(new JobBatchInserts.Row(job, text, origin));
        if (!running) {
            // Not started or stopping: no writer will take it, so write it here.
            pending.take();
            writeAlone(pending);
        } else if (!enqueue(pending)) {
            throw new AdmissionRefusedException(AdmissionRefusedException.Bound.SERVICE,
                    properties.maxPending() + " submissions are waiting to be stored; try again later");
        } else if (!running && pending.withdraw()) {
            // Stopped between the look and the offer: the writers and the watchdog may have gone.
            queue.remove(pending);
            writeAlone(pending);
        }
        await(pending);
    }

    /**
     * Puts a submission in the writers' queue; false when it is full. A step of its own so that a
     * test can stop the committer between {@link #commit}'s look at {@code running} and the offer.
     */
    boolean enqueue(Pending pending) {
        return queue.offer(pending);
    }

    /** Submissions waiting for a writer. */
    int pending() {
        return queue.size();
    }

    /**
     * Waits, without a timer of its own, for the writer's answer or the watchdog's: a timed wait
     * per request costs a virtual thread a timer task scheduled and cancelled on a shared
     * scheduler thread, ~6 % of a submission's CPU. {@link #expireOverdue()} gives the timeouts.
     */
    private static void await(Pending pending) {
        try {
            pending.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryTimeoutException("interrupted while waiting for the job store; the submission "
                    + (pending.withdraw() ? "was not stored" : "may or may not be stored"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Answers the submissions whose wait is over: one no writer took within the commit timeout is
     * withdrawn and not stored; one a writer took gets its answer within twice the timeout and a
     * second (the writer's transaction has the timeout too), or is told it may or may not be
     * stored. The queue is oldest first, so the look stops at the first submission still in time.
     */
    void expireOverdue() {
        long now = System.nanoTime();
        long timeout = properties.commitTimeout().toNanos();
        for (var waiting = queue.iterator(); waiting.hasNext(); ) {
            Pending pending = waiting.next();
            if (now - pending.since < timeout) {
                break;
            }
            if (pending.withdraw()) {
                waiting.remove();
                pending.failed(new QueryTimeoutException("the job store did not take the submission within "
                        + properties.commitTimeout() + "; it was not stored"));
            }
        }
        long confirmTimeout = 2 * timeout + TimeUnit.SECONDS.toNanos(1);
        for (List<Pending> batch : writing.values()) {
            for (Pending pending : batch) {
                if (now - pending.since >= confirmTimeout) {
                    pending.failed(new QueryTimeoutException("the job store did not confirm the submission within "
                            + properties.commitTimeout().multipliedBy(2).plusSeconds(1) + "; it may or may not be stored"));
                }
            }
        }
    }

    /**
     * Runs until the committer is stopped and nothing waits any more: a submission still queued or
     * still held by a hung writer when {@link #stop()} gives up on the writers gets its answer too.
     */
    private void watchLoop() {
        // A quarter of the timeout, so an answer comes at most a quarter late; at most 100 ms.
        long tick = Math.max(1, Math.min(100, properties.commitTimeout().toMillis() / 4));
        while (running || !writing.isEmpty() || !queue.isEmpty()) {
            try {
                Thread.sleep(tick);
                expireOverdue();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                // Even an Error (out of memory) must not end the watch: waiting callers have no timer of their own.
                log.warn("could not check submissions for their commit timeout", e);
            }
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(properties.maxBatch());
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                takeMore(batch, first.textBytes());
                batch.removeIf(pending -> !pending.take());
                if (!batch.isEmpty()) {
                    // A copy: the watchdog may still be reading it when this loop clears the batch.
                    writing.put(Thread.currentThread(), List.copyOf(batch));
                    write(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                log.error("submission writer failed", e);
                batch.forEach(pending -> pending.failed(e));
            } finally {
                writing.remove(Thread.currentThread());
                batch.clear();
            }
        }
    }

    /**
     * Adds what is waiting to {@code batch}, up to {@link SubmitProperties#maxBatch()} submissions
     * and {@link #MAX_BATCH_TEXT_BYTES} of text. Another writer may take the submission looked at
     * between the look and the take, so a batch can pass the text bound by one submission.
     */
    private void takeMore(List<Pending> batch, long textBytes) {
        while (batch.size() < properties.maxBatch()) {
            Pending next = queue.peek();
            if (next == null || textBytes + next.textBytes() > MAX_BATCH_TEXT_BYTES) {
                return;
            }
            next = queue.poll();
            if (next == null) {
                return;
            }
            batch.add(next);
            textBytes += next.textBytes();
        }
    }

    /** Commits {@code batch} (taken submissions) in one transaction, or its members one by one if it fails. */
    void write(List<Pending> batch) {
        batchSizes.record(batch.size());
        try {
            transactions.executeWithoutResult(status -> inserts.insert(batch.stream().map(p -> p.row).toList()));
        } catch (RuntimeException e) {
            if (batch.size() == 1 || StoreFailures.isStoreFailure(e)) {
                batch.forEach(pending -> pending.failed(e));
            } else {
                log.debug("a batch of {} submissions failed ({}); committing them one by one", batch.size(), e.getMessage());
                batch.forEach(this::writeAlone);
            }
            return;
        }
        queued(batch.size());
        batch.forEach(Pending::committed);
    }

    /**
     * Announces a committed transaction's jobs as one event, before their callers return: the
     * callers' per-job events would wake the claim pump or the outbox relay once per job, and a
     * loop woken by the first finds the whole batch, then wakes again for nothing.
     */
    private void queued(int jobs) {
        events.publishEvent(new JobsQueuedEvent(jobs));
    }

    private void writeAlone(Pending pending) {
        batchSizes.record(1);
        try {
            transactions.executeWithoutResult(status -> inserts.insert(List.of(pending.row)));
            queued(1);
            pending.committed();
        } catch (RuntimeException e) {
            pending.failed(e);
        }
    }

    @Override
    public void start() {
        running = true;
        for (int i = 1; i <= writerCount; i++) {
            Thread writer = new Thread(this::writeLoop, "tally-submit-writer-" + i);
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
        Thread watchdog = new Thread(this::watchLoop, "tally-submit-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Commits what is still waiting, then stops the writers. */
    @Override
    public void stop() {
        running = false;
        for (Thread writer : writers) {
            try {
                writer.join(properties.commitTimeout().multipliedBy(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        writers.clear();
        // The watchdog is not interrupted: it ends by itself once every waiting caller has its answer.
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped after the web server has finished its requests, which may be waiting for a commit here. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    /** A submission and its caller's answer. */
    static final class Pending {

        private static final int WAITING = 0;
        private static final int TAKEN = 1;
        private static final int WITHDRAWN = 2;

        final JobBatchInserts.Row row;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** When its caller began to wait ({@link System#nanoTime()}). */
        final long since = System.nanoTime();
        private final AtomicInteger state = new AtomicInteger(WAITING);

        Pending(JobBatchInserts.Row row) {
            this.row = row;
        }

        /** The size of its text as stored, 0 for a URL job. */
        long textBytes() {
            return row.text() == null ? 0 : row.text().length;
        }

        /** A writer takes it; false if its caller already gave up. */
        boolean take() {
            return state.compareAndSet(WAITING, TAKEN);
        }

        /** The caller gives up; false if a writer already has it. */
        boolean withdraw() {
            return state.compareAndSet(WAITING, WITHDRAWN);
        }

        void committed() {
            done.complete(null);
        }

        void failed(Throwable e) {
            done.completeExceptionally(e);
        }
    }
}
