package dev.tally.correlation;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

/**
 * A span of a job's work, in scope on the thread doing it until closed: an attempt (whose steps,
 * fetch and count, are child spans) or a webhook delivery. Made by {@link JobTraces}; a no-op when
 * tracing is off.
 */
public final class JobSpan implements AutoCloseable {

    static final JobSpan NONE = new JobSpan(null, null, null, null);

    private final Tracer tracer;
    private final Propagator propagator;
    private final Span span;
    private final Tracer.SpanInScope scope;

    JobSpan(Tracer tracer, Propagator propagator, Span span, Tracer.SpanInScope scope) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.span = span;
        this.scope = scope;
    }

    /** This span as a W3C {@code traceparent} value, for a request that continues it; null when tracing is off. */
    public String traceParent() {
        return span == null ? null : JobTraces.traceParent(propagator, span.context());
    }

    /**
     * Starts a step of the work: a child span, in scope until the returned step is closed.
     *
     * @param detailKey the key of a tag of the step ({@code server.address} of a fetch, say), or null
     * @param detail that tag's value, or null for none
     */
    public Step step(String name, String detailKey, String detail) {
        if (span == null) {
            return Step.NONE;
        }
        Span child = tracer.nextSpan(span).name(name);
        if (detailKey != null && detail != null) {
            child.tag(detailKey, detail);
        }
        child.start();
        return new Step(child, tracer.withSpan(child));
    }

    /**
     * Records how the work ended: {@code tally.job.outcome} of an attempt as in the
     * {@code tally.job.attempts} timer, or {@code tally.webhook.outcome} of a delivery as in
     * {@code tally.webhook.attempts}; and {@code tally.job.error}, the job's error code, when there is one.
     */
    public void outcome(String key, String outcome, String errorCode) {
        if (span == null) {
            return;
        }
        span.tag(key, outcome);
        if (errorCode != null) {
            span.tag("tally.job.error", errorCode);
        }
    }

    @Override
    public void close() {
        if (span != null) {
            scope.close();
            span.end();
        }
    }

    /** A step of a job's work; records a failure with {@link #failed}. */
    public static final class Step implements AutoCloseable {

        static final Step NONE = new Step(null, null);

        private final Span span;
        private final Tracer.SpanInScope scope;

        Step(Span span, Tracer.SpanInScope scope) {
            this.span = span;
            this.scope = scope;
        }

        /** Marks the step as failed with {@code failure}. */
        public void failed(Throwable failure) {
            if (span != null) {
                span.error(failure);
            }
        }

        @Override
        public void close() {
            if (span != null) {
                scope.close();
                span.end();
            }
        }
    }
}
