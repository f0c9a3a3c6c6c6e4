package dev.tally.worker;

import com.rabbitmq.client.Channel;
import dev.tally.job.ClaimedJob;
import dev.tally.job.JobAttempts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * A competing consumer of the jobs queue ({@code tally.queue=rabbitmq}). A message only names a
 * job; the job row decides: the worker claims the job with a conditional update and a lease,
 * processes it, and acks after the outcome is committed. A duplicate delivery (the job is running
 * elsewhere or finished) is acked and ignored; a message that names no job id is rejected and
 * parked in the dead-letter queue. The broker's delivery limit parks messages that keep coming back.
 */
class RabbitJobConsumer {

    private static final Logger log = LoggerFactory.getLogger(RabbitJobConsumer.class);

    private final JobAttempts attempts;
    private final AttemptRunner runner;
    private final WorkerProperties properties;
    private final UnclaimedJobs unclaimed;
    private final String owner = "rabbit-" + UUID.randomUUID();
    private final Counter poison;
    private final Counter duplicates;

    RabbitJobConsumer(JobAttempts attempts, AttemptRunner runner, WorkerProperties properties, UnclaimedJobs unclaimed,
                      MeterRegistry meters) {
        this.attempts = attempts;
        this.runner = runner;
        this.properties = properties;
        this.unclaimed = unclaimed;
        this.poison = Counter.builder("tally.queue.poison").description("messages parked in the dead-letter queue")
                .register(meters);
        this.duplicates = Counter.builder("tally.queue.duplicates")
                .description("deliveries ignored because the job was not queued").register(meters);
    }

    @RabbitListener(id = "tally-jobs", queues = "${tally.rabbitmq.prefix:tally}.jobs", ackMode = "MANUAL",
            concurrency = "${tally.worker.concurrency:8}")
    void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        Optional<UUID> jobId = jobIdOf(message);
        if (jobId.isEmpty()) {
            log.warn("parking a message that names no job (message id {})", message.getMessageProperties().getMessageId());
            poison.increment();
            channel.basicReject(tag, false);
            return;
        }
        try {
            claimAndRun(jobId.get());
        } finally {
            // Acked on every path, also when something throws: with manual acks the container
            // neither acks nor rejects a message whose listener failed, so the message would stay
            // with this consumer, unacked, taking a prefetch slot for as long as the channel
            // lives, and its job would wait for the reconciler. The job's fate is in the store.
            channel.basicAck(tag, false);
        }
    }

    private void claimAndRun(UUID jobId) {
        Optional<ClaimedJob> claimed;
        try {
            claimed = attempts.claim(jobId, owner, properties.lease());
        } catch (DataAccessException | TransactionException e) {
            // The store is down (no connection or transaction to be had, or a statement or the
            // commit failed): the job stays QUEUED in the store (or RUNNING under a lease nobody
            // renews, should the commit have gone through). Requeueing the message would only burn
            // deliveries while the store is down; instead the job gets a new dispatch record as
            // soon as the store answers (or, failing that, from the reconciler or its lease).
            boolean remembered = unclaimed.add(jobId);
            log.warn("could not claim job {} (store unavailable: {}); it will be dispatched again {}", jobId,
                    e.getMessage(), remembered ? "once the store answers" : "by the reconciler");
            return;
        }
        if (claimed.isEmpty()) {
            duplicates.increment();
            return;
        }
        runner.run(claimed.get());
    }

    private static Optional<UUID> jobIdOf(Message message) {
        String body = new String(message.getBody(), StandardCharsets.US_ASCII).trim();
        if (body.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(body));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
