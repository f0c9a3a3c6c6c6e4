package dev.tally.correlation;

import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanExportingPredicate;
import org.springframework.stereotype.Component;

/**
 * Leaves the spans of the operations endpoints ({@code /actuator/**}: health probes, metric
 * scrapes) out of what is exported: an orchestrator's probes and a Prometheus scrape every few
 * seconds per node would be most of the traces and tell nothing about jobs. Their request metrics
 * ({@code http.server.requests}) stay. Used only while tracing is on.
 */
@Component
class OperationsSpansLeftOut implements SpanExportingPredicate {

    @Override
    public boolean isExportable(FinishedSpan span) {
        String uri = span.getTags().get("uri");
        return uri == null || !uri.startsWith("/actuator");
    }
}
