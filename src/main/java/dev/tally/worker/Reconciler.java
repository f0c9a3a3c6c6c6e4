package dev.tally.worker;

import dev.tally.job.JobAttempts;
import dev.tally.job.JobDispatches;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import dev.tally.signal.PeriodicTask;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The auditing tool: finds jobs that are stuck and puts them back. RUNNING jobs whose lease ran
 * out (their worker died or hung) are queued again, or failed once they used every attempt; with
 * RabbitMQ, QUEUED jobs long past due without a pending dispatch (their message was lost) are
 * dispatched again. Safe on many workers at once: every fix is a conditional update.
 */
@Component
@ConditionalOnRole(Role.WORKER)
class Reconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final JobAttempts attempts;
    private final JobDispatches dispatches;
    private final WorkerProperties worker;
    private final RetryProperties retry;
    private final boolean rabbit;
    private final Duration stuckAfter;
    private final String self = "reconciler-" + UUID.randomUUID();
    private PeriodicTask runs;

    Reconciler(JobAttempts attempts, JobDispatches dispatches, WorkerProperties worker, RetryProperties retry,
               @Value("${tally.queue:local}") String queue,
               @Value("${tally.rabbitmq.stuck-after:5m}") Duration stuckAfter) {
        this.attempts = attempts;
        this.dispatches = dispatches;
        this.worker = worker;
        this.retry = retry;
        this.rabbit = "rabbitmq".equalsIgnoreCase(queue.trim());
        this.stuckAfter = stuckAfter;
    }

    void reconcile() {
        int handedBack = attempts.releaseAbandoned(self, false, retry.maxAttempts());
        if (handedBack > 0) {
            log.warn("{} job(s) of workers that stopped responding are queued again", handedBack);
        }
        if (rabbit) {
            var resent = dispatches.redispatchStuck(stuckAfter, 500);
            if (!resent.isEmpty()) {
                log.warn("{} queued job(s) had lost their message and were dispatched again", resent.size());
            }
        }
    }

    @Override
    public void start() {
        Duration every = Duration.ofMillis(Math.max(200, worker.lease().toMillis() / 2));
        runs = PeriodicTask.start("tally-reconciler", every, () -> {
            try {
                reconcile();
            } catch (RuntimeException e) {
                log.warn("reconciler run failed; will try again: {}", e.getMessage());
            }
        });
    }

    @Override
    public void stop() {
        if (runs != null) {
            runs.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return runs != null && !runs.isStopped();
    }
}
