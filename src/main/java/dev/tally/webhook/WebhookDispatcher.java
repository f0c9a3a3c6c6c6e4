package dev.tally.webhook;

import dev.tally.api.JobView;
import dev.tally.correlation.JobSpan;
import dev.tally.correlation.JobTraces;
import dev.tally.fetch.CallbackSender;
import dev.tally.fetch.FetchException;
import dev.tally.job.Job;
import dev.tally.job.Jobs;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import dev.tally.signal.SurvivingTask;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers webhooks from their durable records: a signed POST of the job JSON to the job's
 * {@code callbackUrl}; a non-2xx answer or none within the timeout is retried with exponential
 * backoff and jitter up to {@code tally.webhooks.max-attempts}. Records survive restarts; several
 * nodes may deliver at once (each attempt is claimed with a conditional update).
 *
 * <p>A node claims no more deliveries than it has free senders ({@code tally.webhooks.concurrency}),
 * so a claimed delivery is sent at once and never waits in a queue past its claim (which would let
 * it be claimed and sent again); when a poll found more due than it could take, the next sender to
 * finish looks again without waiting for the poll interval. While other receivers' deliveries are
 * due, it sends no more than {@code tally.webhooks.per-receiver-concurrency} at once to one
 * receiver (senders that would idle otherwise go to whoever has more due), and nothing to a
 * receiver for {@code tally.webhooks.initial-backoff} after an attempt it did not answer, so that a
 * slow or unreachable receiver cannot hold every sender while other receivers' deliveries are due.
 *
 * <p>Every attempt is timed in {@code tally.webhook.attempts}, tagged with its {@code outcome}:
 * {@code delivered}, {@code retried}, {@code failed} (no attempts left), {@code superseded} (its
 * claim ran out and another attempt took the delivery; not recorded), {@code interrupted}
 * (shutdown) or {@code unrecorded} (the store could not take the outcome); after the last two the
 * delivery is due again when its claim runs out.
 */
@Component
@ConditionalOnRole(Role.WORKER)
class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int BATCH = 50;
    /** Reads per poll at most, each past the deliveries of busy receivers the one before found. */
    private static final int MAX_PASSES = 20;

    /** How long a stop lets deliveries under way finish before it cuts their sends short. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** How long a stop waits for the senders after cutting their sends short. */
    private static final Duration ABORTED_WAIT = Duration.ofSeconds(2);
    private static final Duration ABORT_ROUND = Duration.ofMillis(100);

    private final WebhookRepository deliveries;
    private final Jobs jobs;
    private final CallbackSender sender;
    private final WebhookProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private final Meter.MeterProvider<Timer> attemptTimers;
    private final Semaphore freeSenders;
    private final ReceiverLoad receivers;
    private final JobTraces traces;
    /**
     * Whether the last poll may have left due deliveries behind: it ran out of senders, read a full
     * batch, or passed deliveries over for a busy receiver.
     */
    private volatile boolean backlogged;
    /**
     * Set when a stop cut the sends under way short: their failures are the stop's, not the
     * receivers'. One for each start, held by the sends of that start: a sender the stop left
     * running must not record its cut send as failed after a new start.
     */
    private volatile AtomicBoolean cutShort = new AtomicBoolean();
    private final AtomicBoolean lookAgainQueued = new AtomicBoolean();
    private ScheduledExecutorService poller;
    private ExecutorService senders;

    WebhookDispatcher(WebhookRepository deliveries, Jobs jobs, CallbackSender sender, WebhookProperties properties,
                      JsonMapper json, Clock clock, MeterRegistry meters, JobTraces traces) {
        this.traces = traces;
        this.deliveries = deliveries;
        this.jobs = jobs;
        this.sender = sender;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.freeSenders = new Semaphore(properties.concurrency());
        this.receivers = new ReceiverLoad(properties.perReceiverConcurrency(), properties.initialBackoff(), System::nanoTime);
        this.attemptTimers = Timer.builder("tally.webhook.attempts").description("webhook delivery attempts by outcome")
                .withRegistry(meters);
    }

    /**
     * Starts an attempt of as many due deliveries as there are free senders, earliest due first,
     * but for those whose receiver is busy (see {@link ReceiverLoad}); those are marked with their
     * receiver and passed over, so that a receiver's backlog does not hide other receivers' deliveries.
     *
     * @return how many were started
     */
    int deliverDue() {
        int started = 0;
        // Whether any pass may have left deliveries due: a later pass that finds nothing more must
        // not clear it, or the senders' finishing would not look again.
        boolean leftSome = false;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            if (freeSenders.availablePermits() == 0) {
                backlogged = true;
                return started;
            }
            Instant now = now();
            Instant until = claimDeadline(now);
            List<WebhookDelivery> due = deliveries.due(now, BATCH, receivers.busy());
            Map<String, List<UUID>> passedOver = new HashMap<>();
            boolean sendersFull = false;
            boolean skipped = false;
            for (WebhookDelivery delivery : due) {
                if (!freeSenders.tryAcquire()) {
                    sendersFull = true;
                    break;
                }
                String receiver = Receiver.of(delivery.url());
                if (!receivers.tryStart(receiver)) {
                    freeSenders.release();
                    if (delivery.receiver() == null) {
                        passedOver.computeIfAbsent(receiver, r -> new ArrayList<>()).add(delivery.id());
                    }
                    skipped = true;
                    continue;
                }
                if (claimAndSend(delivery, receiver, until)) {
                    started++;
                }
            }
            passedOver.forEach(deliveries::assignReceiver);
            // More may be due: a sender that finishes, or a receiver that frees up, looks again.
            leftSome |= sendersFull || skipped || due.size() == BATCH;
            if (sendersFull) {
                backlogged = true;
                return started;
            }
            if (!skipped || due.size() < BATCH) {
                break; // else the next pass reads past the receivers now busy
            }
        }
        started += sendBeyondShares();
        backlogged = leftSome || freeSenders.availablePermits() == 0;
        return started;
    }

    /**
     * Senders left free once every receiver had its share go to receivers that have more due,
     * rather than idle: a lone receiver with a backlog gets all the senders, and gives them up to
     * another receiver one by one as its sends finish.
     */
    private int sendBeyondShares() {
        int free = freeSenders.availablePermits();
        if (free == 0 || !receivers.anyAtShare()) {
            return 0;
        }
        Instant now = now();
        Instant until = claimDeadline(now);
        int started = 0;
        for (WebhookDelivery delivery : deliveries.due(now, Math.min(BATCH, free), receivers.resting())) {
            if (!freeSenders.tryAcquire()) {
                break; // the caller sees no free sender and marks the backlog
            }
            String receiver = Receiver.of(delivery.url());
            if (!receivers.tryStartBeyondShare(receiver)) {
                freeSenders.release();
                continue;
            }
            if (claimAndSend(delivery, receiver, until)) {
                started++;
            }
        }
        return started;
    }

    /** Past the attempt's own timeout: a node that dies mid-attempt leaves the delivery to be retried then. */
    private Instant claimDeadline(Instant now) {
        return now.plus(properties.timeout().multipliedBy(2)).plusSeconds(1);
    }

    /**
     * Claims and sends a delivery for which a sender and a turn at its receiver are taken, or gives
     * them back.
     *
     * @return whether it was sent
     */
    private boolean claimAndSend(WebhookDelivery delivery, String receiver, Instant until) {
        boolean claimed;
        try {
            claimed = deliveries.claim(delivery, until);
        } catch (RuntimeException e) {
            // A store that reads but takes no writes, or a session ended mid-claim: given back, or
            // every failed claim kept a sender, and after `concurrency` of them the node sent no
            // webhook again until it restarted.
            giveBack(receiver);
            throw e;
        }
        if (!claimed) {
            giveBack(receiver); // another node took it
            return false;
        }
        return send(delivery.claimedUntil(until), receiver);
    }

    /** Gives back a sender and a turn at the receiver taken for a delivery that was not sent. */
    private void giveBack(String receiver) {
        receivers.finished(receiver, true);
        freeSenders.release();
    }

    /** @return false when the node is stopping: the delivery is left to its claim's end */
    private boolean send(WebhookDelivery claimed, String receiver) {
        AtomicBoolean cut = cutShort;
        try {
            senders.execute(() -> {
                boolean answered = true;
                try {
                    answered = attempt(claimed, cut);
                } finally {
                    receivers.finished(receiver, answered);
                    freeSenders.release();
                    lookAgainIfBacklogged();
                }
            });
            return true;
        } catch (RejectedExecutionException stopping) {
            // Claimed as the node stops: the claim runs out and the delivery is due again then.
            giveBack(receiver);
            log.debug("webhook {} left to its claim's end: the node is stopping", claimed.id());
            return false;
        }
    }

    private void lookAgainIfBacklogged() {
        if (backlogged && lookAgainQueued.compareAndSet(false, true)) {
            try {
                poller.execute(() -> {
                    lookAgainQueued.set(false);
                    deliverDueQuietly();
                });
            } catch (RejectedExecutionException e) {
                lookAgainQueued.set(false); // stopping
            }
        }
    }

    private void deliverDueQuietly() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            log.warn("could not look for due webhooks: {}", e.getMessage());
        }
    }

    /**
     * @param cut set when a stop cuts this start's sends short: this one is then not sent, or not recorded
     * @return false when the receiver gave no answer (timeout, refused connection, ...)
     */
    private boolean attempt(WebhookDelivery delivery, AtomicBoolean cut) {
        Optional<Job> job = jobs.find(delivery.jobId());
        if (job.isEmpty()) {
            return true; // deleted: its deliveries went with it
        }
        Instant now = now();
        byte[] body = json.writeValueAsBytes(JobView.of(job.get(), JobView.DEFAULT_TOP));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Tally-Event", delivery.event());
        headers.put("Tally-Delivery", delivery.id().toString());
        if (properties.secret() != null && !properties.secret().isEmpty()) {
            headers.put("Tally-Signature", WebhookSignature.header(properties.secret(), now.getEpochSecond(), body));
        }
        URI url = URI.create(delivery.url());
        JobSpan span = traces.startDelivery(delivery.jobId(), delivery.id(), delivery.event(), url.getHost(),
                () -> jobs.traceParentOf(delivery.jobId()).orElse(null));
        String traceParent = span.traceParent();
        if (traceParent != null) {
            headers.put("traceparent", traceParent);
        }
        long started = System.nanoTime();
        String outcome = "unrecorded"; // until the store takes the outcome
        boolean answered = true;
        try {
            if (cut.get()) {
                outcome = "interrupted"; // the stop's abort came before this send began
                return true;
            }
            int status = sender.post(url, headers, body, properties.timeout());
            if (status >= 200 && status < 300) {
                outcome = recordDelivered(delivery, status);
            } else {
                outcome = failed(delivery, status, "the receiver answered " + status, true);
            }
        } catch (FetchException e) {
            if (cut.get()) {
                outcome = "interrupted";
                return true;
            }
            // A destination refused before any connection (a host resolving to a forbidden address)
            // says nothing of the receiver's load, and fails at once: trying again only repeats it.
            answered = !e.retryable();
            outcome = failed(delivery, e.httpStatus(), e.code() + ": " + e.getMessage(), e.retryable());
        } catch (InterruptedException e) {
            outcome = "interrupted";
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("webhook {} attempt failed unexpectedly", delivery.id(), e);
            outcome = failed(delivery, null, "INTERNAL: " + e.getClass().getSimpleName(), true);
        } finally {
            attemptTimers.withTags("outcome", outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            span.outcome("tally.webhook.outcome", outcome, null);
            span.close();
        }
        return answered;
    }

    /**
     * @return delivered, superseded, or unrecorded when the store did not take it: the receiver
     *     has the webhook, so this is not a failed attempt (on the last attempt it made a delivered
     *     webhook FAILED); the delivery is sent again once its claim runs out, as after a node died
     *     mid-attempt, and receivers dedupe on {@code Tally-Delivery}
     */
    private String recordDelivered(WebhookDelivery delivery, int status) {
        try {
            return deliveries.delivered(delivery, now(), status) ? "delivered" : superseded(delivery);
        } catch (DataAccessException | TransactionException e) {
            log.warn("webhook {} for job {} was answered {}, but the store did not record it ({}); it is sent again"
                    + " when its claim runs out", delivery.id(), delivery.jobId(), status, e.getMessage());
            return "unrecorded";
        }
    }

    /** @return the attempt's outcome: retried, failed (no attempts left, or not retryable) or superseded */
    private String failed(WebhookDelivery delivery, Integer status, String error, boolean retryable) {
        int attempt = delivery.attempts() + 1;
        Instant next = !retryable || attempt >= properties.maxAttempts() ? null : now().plus(backoff(attempt));
        if (!deliveries.attemptFailed(delivery, now(), status, error, next)) {
            return superseded(delivery);
        }
        if (next == null) {
            log.warn("webhook {} for job {} failed after {} attempt(s): {}", delivery.id(), delivery.jobId(), attempt, error);
            return "failed";
        }
        return "retried";
    }

    private String superseded(WebhookDelivery delivery) {
        log.info("webhook {} attempt not recorded: its claim ran out and another attempt took the delivery", delivery.id());
        return "superseded";
    }

    /** Exponential, doubling from the initial backoff, capped, with "equal jitter". */
    Duration backoff(int attempt) {
        long base = properties.initialBackoff().toMillis();
        long cap = properties.maxBackoff().toMillis();
        int doublings = Math.min(attempt - 1, 30);
        long step = base > (cap >> doublings) ? cap : Math.min(cap, base << doublings);
        long half = step / 2;
        return Duration.ofMillis(step - half + (half == 0 ? 0 : ThreadLocalRandom.current().nextLong(half + 1)));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public void start() {
        if (properties.secret() == null || properties.secret().isEmpty()) {
            log.warn("tally.webhooks.secret is not set: webhooks are sent unsigned");
        }
        cutShort = new AtomicBoolean();
        senders = Executors.newFixedThreadPool(properties.concurrency(), r -> {
            Thread t = new Thread(r, "tally-webhooks");
            t.setDaemon(true);
            return t;
        });
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-webhook-poller");
            t.setDaemon(true);
            return t;
        });
        long every = properties.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(SurvivingTask.of("webhook poller", this::deliverDueQuietly),
                every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Lets the deliveries under way send and record their outcome for up to {@link #STOP_WAIT},
     * then cuts the sends still waiting on their receivers short ({@link CallbackSender#abortAll()}):
     * those are not recorded, and are sent again when their claims run out, after the restart. The
     * senders are never interrupted: an interrupt does not end a blocking send, and the one left
     * behind landed in the store write that recorded the answer, which closed the embedded store's
     * file (an interrupted write to an NIO channel closes it).
     */
    @Override
    public void stop() {
        if (poller != null) {
            poller.shutdown();
            senders.shutdown();
            if (!sendersEndWithin(STOP_WAIT)) {
                cutShort.set(true);
                if (!abortUntilSendersEnd()) {
                    log.warn("webhook senders still running {} after their sends were cut short; left to end on their own",
                            ABORTED_WAIT);
                }
            }
        }
    }

    /**
     * Cuts the sends under way short, again every {@link #ABORT_ROUND} for {@link #ABORTED_WAIT}:
     * a send that saw no cut when it began may register its post just after a round, and is cut by
     * the next rather than left to run to its timeout.
     */
    private boolean abortUntilSendersEnd() {
        long deadline = System.nanoTime() + ABORTED_WAIT.toNanos();
        do {
            sender.abortAll();
            if (sendersEndWithin(ABORT_ROUND)) {
                return true;
            }
        } while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted());
        return false;
    }

    private boolean sendersEndWithin(Duration wait) {
        try {
            return senders.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public boolean isRunning() {
        return poller != null && !poller.isShutdown();
    }
}
