package dev.tally.job;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Shows operators the backlog that admission control refuses submissions against, so that an alert
 * can fire before clients see {@code 503}: the gauge {@code tally.jobs.unfinished}.
 */
@Component
class BacklogGauge {

    static final String UNFINISHED = "tally.jobs.unfinished";

    BacklogGauge(AdmissionControl admission, MeterRegistry meters) {
        // A scrape reads admission's count, which is refreshed in the background every 1 to 10 s
        // (see AdmissionControl), so scraping does not add a count per scrape.
        Gauge.builder(UNFINISHED, admission, AdmissionControl::unfinished)
                .description("unfinished (queued or running) jobs of all clients, as counted for admission: "
                        + "at most tally.admission.max-active, refreshed every 1 to 10 s")
                .strongReference(true)
                .register(meters);
    }
}
