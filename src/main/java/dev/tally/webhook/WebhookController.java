package dev.tally.webhook;

import dev.tally.job.JobNotFoundException;
import dev.tally.job.Jobs;
import dev.tally.role.ConditionalOnRole;
import dev.tally.security.CurrentClient;
import dev.tally.role.Role;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/jobs/{id}/webhooks}: the job's webhook deliveries and their attempts. */
@RestController
@ConditionalOnRole(Role.API)
class WebhookController {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final WebhookRepository deliveries;
    private final Jobs jobs;

    WebhookController(WebhookRepository deliveries, Jobs jobs) {
        this.deliveries = deliveries;
        this.jobs = jobs;
    }

    /** A delivery as shown to clients. */
    record DeliveryView(String id, String event, String url, String status, int attempts, String lastAttemptAt,
                        Integer lastStatus, String lastError, String nextAttemptAt, String deliveredAt) {
    }

    /** The deliveries of one job. */
    record DeliveriesView(String jobId, List<DeliveryView> deliveries) {
    }

    @GetMapping(path = "/api/v1/jobs/{id}/webhooks", produces = MediaType.APPLICATION_JSON_VALUE)
    DeliveriesView deliveries(@PathVariable String id) {
        UUID jobId;
        try {
            jobId = id.length() == 36 ? UUID.fromString(id) : null;
        } catch (IllegalArgumentException e) {
            jobId = null;
        }
        if (jobId == null || jobs.findOwned(jobId, CurrentClient.id()).isEmpty()) {
            throw new JobNotFoundException(jobId);
        }
        return new DeliveriesView(jobId.toString(), deliveries.ofJob(jobId).stream()
                .map(d -> new DeliveryView(d.id().toString(), d.event(), d.url(), d.status(), d.attempts(),
                        time(d.lastAttemptAt()), d.lastStatus(), d.lastError(),
                        "PENDING".equals(d.status()) ? time(d.nextAttemptAt()) : null, time(d.deliveredAt())))
                .toList());
    }

    private static String time(Instant instant) {
        return instant == null ? null : TIME.format(instant);
    }
}
