package dev.tally.queue;

import dev.tally.job.DispatchRecord;
import dev.tally.job.JobDispatches;
import dev.tally.job.JobsQueuedEvent;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import dev.tally.signal.SurvivingTask;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.tally.signal.WakeSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionUnblockedEvent;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Publishes the transactional outbox to RabbitMQ: locks a batch of due dispatch records,
 * publishes them as persistent messages of up to {@code tally.rabbitmq.jobs-per-message} job ids
 * each ({@link JobIdsMessage}), waits for the broker's publisher confirms, and only then
 * deletes the records in the same transaction. Runs on every API node at once safely (locked
 * records are skipped). While the broker is down, or blocks publishing ({@link BrokerAlarm}), records
 * simply wait; nothing is lost.
 *
 * <p>Each commit of this node that queues jobs wakes the relay, but passes are at least
 * {@code tally.rabbitmq.relay-linger} apart while commits keep coming: a pass costs a transaction,
 * a broker round trip for the confirms and, per message, the broker's log write and a delivery,
 * whatever it carries. In alternated distributed end-to-end rounds (2026-12-05), 20 ms between
 * passes took RabbitMQ's CPU per job from ~0.2 to ~0.12 ms and the relay thread's CPU by ~45 %.
 */
@Component
@ConditionalOnRole(Role.API)
@ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /**
     * The longest wait between two failed passes. A pass against a broker that is down costs a
     * refused connection; the wait is what jobs queued meanwhile wait once the broker is back (at
     * 15 s, a soak's jobs went 4.6 s after a 16 s outage ended), so no longer than the workers'
     * consumers take to reconnect (Spring AMQP's 5 s).
     */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /**
     * Added to the confirm timeout for the longest a pass may hold its records locked while it
     * publishes: a publish that waits on a blocked connection lasts up to the confirm timeout and
     * the channel's RPC timeout (~20 s with the defaults), so only a stopped process goes past it.
     */
    static final Duration PUBLISH_LIMIT_MARGIN = Duration.ofSeconds(30);

    /** How long a stop waits for a pass under way before interrupting it (see {@link #stop()}). */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final JobDispatches dispatches;
    private final JobMessagePublisher publisher;
    private final RabbitQueueProperties properties;
    private final BrokerAlarm alarm;
    private final LostTopology topology;
    private final Counter published;
    private final DistributionSummary batchSize;
    private final WakeSignal wakeUp = new WakeSignal();
    private volatile boolean running;
    private Thread thread;

    OutboxRelay(JobDispatches dispatches, RabbitTemplate rabbit, RabbitQueueProperties properties, BrokerAlarm alarm,
                LostTopology topology, MeterRegistry meters) {
        this.dispatches = dispatches;
        this.publisher = new JobMessagePublisher(rabbit, properties);
        this.properties = properties;
        this.alarm = alarm;
        this.topology = topology;
        this.published = Counter.builder("tally.outbox.published").description("dispatch records published to the broker")
                .register(meters);
        this.batchSize = DistributionSummary.builder("tally.outbox.relay.batch.size")
                .description("dispatch records published per relay transaction that published any").register(meters);
    }

    /**
     * Woken once per transaction of this node that queued jobs. Another node's changes do not wake
     * it: that node's relay publishes its own records (and this one finds them on its interval
     * if that node is gone).
     */
    @EventListener
    void onJobsQueued(JobsQueuedEvent event) {
        wake();
    }

    /** The broker publishes again: what waited in the outbox goes now. */
    @EventListener
    void onUnblocked(ConnectionUnblockedEvent event) {
        wake();
    }

    void wake() {
        wakeUp.signal();
    }

    /** Relays every due record now. @return how many were published */
    int relayAll() {
        int total = 0;
        int batch;
        do {
            batch = dispatches.relayDue(properties.relayBatchSize(), publishLimit(), this::publish);
            if (batch > 0) {
                batchSize.record(batch);
            }
            total += batch;
        } while (batch == properties.relayBatchSize() && running);
        return total;
    }

    /** How long a pass may publish before its store session, and its records' locks, are let go. */
    Duration publishLimit() {
        return properties.confirmTimeout().plus(PUBLISH_LIMIT_MARGIN);
    }

    private void publish(List<DispatchRecord> records) {
        List<JobMessagePublisher.Message> messages = new ArrayList<>();
        for (int from = 0; from < records.size(); from += properties.jobsPerMessage()) {
            List<DispatchRecord> chunk = records.subList(from, Math.min(records.size(), from + properties.jobsPerMessage()));
            messages.add(new JobMessagePublisher.Message("dispatch-" + chunk.get(0).id(),
                    chunk.stream().map(DispatchRecord::jobId).toList()));
        }
        publisher.publish(messages);
        published.increment(records.size());
    }

    private void loop() {
        Duration backoff = Duration.ofSeconds(1);
        long linger = properties.relayLinger().toNanos();
        long lastPass = System.nanoTime() - linger;
        while (running) {
            try {
                // Woken again soon after a pass: let the commits of the next moments join this one.
                long gather = lastPass + linger - System.nanoTime();
                if (gather > 0) {
                    TimeUnit.NANOSECONDS.sleep(gather);
                    if (!running) {
                        return; // stopped while gathering: the records wait for the next start or another relay
                    }
                }
                if (alarm.blockedReason().isPresent()) {
                    // A pass would hold its records' locks, in an open transaction, for a broker
                    // that reads nothing until its alarm clears (and the unblocking wakes us).
                    await(properties.relayInterval());
                    continue;
                }
                lastPass = System.nanoTime();
                relayAll();
                backoff = Duration.ofSeconds(1);
                await(properties.relayInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("outbox relay could not publish (records stay pending, retrying in {}): {}", backoff, e.getMessage());
                topology.restoreAfter(e);
                try {
                    sitOut(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void await(Duration duration) throws InterruptedException {
        wakeUp.await(duration);
    }

    /**
     * Waits out a backoff whatever wakes the relay meanwhile, but a stop. Each submission wakes it:
     * during a broker outage with steady submissions, a wait that woke would retry (and log a
     * warning) once per submission, up to once per linger, instead of after 1, 2, 4, 5 s (seen: 85
     * warnings for 85 submissions in a 10 s outage).
     */
    private void sitOut(Duration backoff) throws InterruptedException {
        long until = System.nanoTime() + backoff.toNanos();
        long left;
        while (running && (left = until - System.nanoTime()) > 0) {
            wakeUp.await(Duration.ofNanos(left));
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(SurvivingTask.restartingLoop("outbox relay", () -> running, this::loop), "tally-outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Lets a pass under way finish, for a moment; a pass still running then is waiting on a broker
     * that does not answer (its confirms, during a resource alarm that blocks the connection: up to
     * the confirm timeout and the channel's RPC timeout, ~20 s) and is interrupted: its transaction
     * rolls back and its records stay pending for the next relay (any it had published may be
     * published again: delivery is at least once). It was joined for 10 s, which with the
     * connection's close made a stop during an alarm last ~60 s, past an orchestrator's grace.
     */
    @Override
    public void stop() {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(STOP_GRACE.toMillis());
                if (thread.isAlive()) {
                    log.info("outbox relay still publishing {} after the stop; interrupting it (its records stay pending)",
                            STOP_GRACE);
                    thread.interrupt();
                    thread.join(STOP_GRACE.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
