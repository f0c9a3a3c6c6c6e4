package dev.tally.correlation;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Carries a trace from the request that submits a job to the attempts that run it. The job stores
 * the request's span as a W3C {@code traceparent} ({@link #origin()}); a worker, on whatever node
 * and however much later, starts the attempt's span as that span's child ({@link #startAttempt}),
 * so one trace shows the submission and every attempt of the job, with their fetch and count.
 * The trace goes with the job through the store rather than through the broker's messages: the
 * outbox relay publishes many jobs per message, long after their requests, and the embedded mode
 * has no broker.
 *
 * <p>With tracing off (no OTLP endpoint set, see {@code TracingSwitch}) the tracer is a no-op one:
 * jobs store no trace context and attempts make no spans.
 */
@Component
public class JobTraces {

    static final String TRACE_PARENT = "traceparent";
    private static final Propagator.Getter<String> STORED = (traceParent, key) -> TRACE_PARENT.equals(key) ? traceParent : null;

    private final Tracer tracer;
    /** Null when tracing is off: Spring Boot then makes no propagator, only the no-op tracer. */
    private final Propagator propagator;

    JobTraces(Tracer tracer, ObjectProvider<Propagator> propagator) {
        this.tracer = tracer;
        this.propagator = tracer == Tracer.NOOP ? null : propagator.getIfAvailable();
    }

    /** Whether spans are made (an OTLP endpoint is set). */
    public boolean enabled() {
        return propagator != null;
    }

    /** The origin of a job submitted by the request this thread handles: its id and, when traced, its span. */
    public Origin origin() {
        return new Origin(LogContext.requestId(), currentTraceParent());
    }

    private String currentTraceParent() {
        if (propagator == null) {
            return null;
        }
        // Not recorded (sampled out) spans too, whose isNoop() is true: their traceparent says so,
        // and the attempts then are not recorded either, where without it each would be sampled anew.
        Span span = tracer.currentSpan();
        return span == null ? null : traceParent(propagator, span.context());
    }

    /** {@code context} as a W3C {@code traceparent} value. */
    static String traceParent(Propagator propagator, TraceContext context) {
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(context, carrier, Map::put);
        return carrier.get(TRACE_PARENT);
    }

    /**
     * Starts the span of one attempt of a job, in scope on this thread until it is closed: a child
     * of the submitting request's span when the job kept one, else the root of a trace of its own.
     *
     * @param source {@code url} or {@code text}
     * @param traceParent the submitting request's span as stored with the job, or null
     */
    public JobSpan startAttempt(UUID jobId, int attempt, String source, String traceParent) {
        if (propagator == null) {
            return JobSpan.NONE;
        }
        Span span = childOf(traceParent).name("job attempt").kind(Span.Kind.CONSUMER)
                .tag("tally.job.id", jobId.toString())
                .tag("tally.job.attempt", attempt)
                .tag("tally.job.source", source)
                .start();
        return new JobSpan(tracer, propagator, span, tracer.withSpan(span));
    }

    /**
     * Starts the span of one attempt to deliver a job's webhook, in scope on this thread until it
     * is closed: a child of the submitting request's span, like the job's attempts. The receiver is
     * sent the span ({@link JobSpan#traceParent()}), so its own spans can join the trace.
     *
     * @param receiverHost the host of the callback URL (its path and query are not exported)
     * @param traceParent reads the submitting request's span as stored with the job (or null);
     *     not called when tracing is off
     */
    public JobSpan startDelivery(UUID jobId, UUID deliveryId, String event, String receiverHost,
                                 Supplier<String> traceParent) {
        if (propagator == null) {
            return JobSpan.NONE;
        }
        Span.Builder builder = childOf(traceParent.get()).name("webhook delivery").kind(Span.Kind.CLIENT)
                .tag("tally.job.id", jobId.toString())
                .tag("tally.webhook.delivery", deliveryId.toString())
                .tag("tally.webhook.event", event);
        if (receiverHost != null) {
            builder.tag("server.address", receiverHost);
        }
        Span span = builder.start();
        return new JobSpan(tracer, propagator, span, tracer.withSpan(span));
    }

    private Span.Builder childOf(String traceParent) {
        return traceParent == null ? tracer.spanBuilder().setNoParent() : propagator.extract(traceParent, STORED);
    }
}
