package dev.tally.correlation;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/**
 * The span of one attempt of a job, in scope on the thread that runs it until closed; its steps
 * (fetch, count) are child spans. Made by {@link JobTraces#startAttempt}; a no-op when tracing is off.
 */
public final class AttemptTrace implements AutoCloseable {

    static final AttemptTrace NONE = new AttemptTrace(null, null, null);

    private final Tracer tracer;
    private final Span span;
    private final Tracer.SpanInScope scope;

    AttemptTrace(Tracer tracer, Span span, Tracer.SpanInScope scope) {
        this.tracer = tracer;
        this.span = span;
        this.scope = scope;
    }

    /**
     * Starts a step of the attempt: a child span, in scope until the returned step is closed.
     *
     * @param detail a tag of the step ({@code server.address} of a fetch, say), or null
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
     * Records how the attempt ended: {@code tally.job.outcome} as in the {@code tally.job.attempts}
     * timer, and {@code tally.job.error}, the job's error code, when there is one.
     */
    public void outcome(String outcome, String errorCode) {
        if (span == null) {
            return;
        }
        span.tag("tally.job.outcome", outcome);
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

    /** A step of an attempt; records a failure with {@link #failed}. */
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
