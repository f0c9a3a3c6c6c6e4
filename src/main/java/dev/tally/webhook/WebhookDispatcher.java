package dev.tally.webhook;

import dev.tally.api.JobView;
import dev.tally.fetch.CallbackSender;
import dev.tally.fetch.FetchException;
import dev.tally.job.Job;
import dev.tally.job.Jobs;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers webhooks from their durable records: a signed POST of the job JSON to the job's
 * {@code callbackUrl}; a non-2xx answer or none within the timeout is retried with exponential
 * backoff and jitter up to {@code tally.webhooks.max-attempts}. Records survive restarts; several
 * nodes may deliver at once (each attempt is claimed with a conditional update).
 */
@Component
@ConditionalOnRole(Role.WORKER)
class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int BATCH = 50;

    private final WebhookRepository deliveries;
    private final Jobs jobs;
    private final CallbackSender sender;
    private final WebhookProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private ScheduledExecutorService poller;
    private ExecutorService senders;

    WebhookDispatcher(WebhookRepository deliveries, Jobs jobs, CallbackSender sender, WebhookProperties properties,
                      JsonMapper json, Clock clock) {
        this.deliveries = deliveries;
        this.jobs = jobs;
        this.sender = sender;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    /** Sends every due delivery once. @return how many were attempted */
    int deliverDue() {
        Instant now = now();
        int attempted = 0;
        for (WebhookDelivery delivery : deliveries.due(now, BATCH)) {
            // Past the attempt's own timeout: a node that dies mid-attempt leaves the delivery to be retried then.
            Instant until = now.plus(properties.timeout().multipliedBy(2)).plusSeconds(1);
            if (deliveries.claim(delivery, until)) {
                attempted++;
                senders.execute(() -> attempt(delivery));
            }
        }
        return attempted;
    }

    void attempt(WebhookDelivery delivery) {
        Optional<Job> job = jobs.find(delivery.jobId());
        if (job.isEmpty()) {
            return; // deleted: its deliveries went with it
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
        try {
            int status = sender.post(URI.create(delivery.url()), headers, body, properties.timeout());
            if (status >= 200 && status < 300) {
                deliveries.delivered(delivery.id(), now(), status);
                return;
            }
            failed(delivery, status, "the receiver answered " + status);
        } catch (FetchException e) {
            failed(delivery, e.httpStatus(), e.code() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("webhook {} attempt failed unexpectedly", delivery.id(), e);
            failed(delivery, null, "INTERNAL: " + e.getClass().getSimpleName());
        }
    }

    private void failed(WebhookDelivery delivery, Integer status, String error) {
        int attempt = delivery.attempts() + 1;
        Instant next = attempt >= properties.maxAttempts() ? null : now().plus(backoff(attempt));
        deliveries.attemptFailed(delivery.id(), now(), status, error, next);
        if (next == null) {
            log.warn("webhook {} for job {} failed after {} attempts: {}", delivery.id(), delivery.jobId(), attempt, error);
        }
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
        senders = Executors.newFixedThreadPool(4, r -> {
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
        poller.scheduleWithFixedDelay(() -> {
            try {
                deliverDue();
            } catch (RuntimeException e) {
                log.warn("could not look for due webhooks: {}", e.getMessage());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (poller != null) {
            poller.shutdownNow();
            senders.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return poller != null && !poller.isShutdown();
    }
}
