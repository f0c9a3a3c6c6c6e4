package dev.tally.queue;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * RabbitMQ dispatch ({@code tally.rabbitmq.*}); the connection itself is Spring's
 * {@code spring.rabbitmq.*}.
 *
 * @param prefix prefix of every exchange and queue name, so deployments can share a broker
 * @param deliveryLimit redeliveries after which the broker parks a message in the dead-letter queue
 * @param relayBatchSize outbox records published per transaction
 * @param jobsPerMessage most jobs one message names (a relayed batch goes out in messages of up
 *     to this many ids), so that the broker's cost per message is shared by the jobs
 * @param consumers threads of each worker process taking messages from the queue; they only
 *     claim the jobs and hand them to the worker threads ({@code tally.worker.concurrency})
 * @param relayInterval how often the relay looks for due records when nothing woke it (this node's
 *     commits that queue jobs wake it; retries falling due and other nodes' records wait for this)
 * @param relayLinger the least time between two relay passes while submissions keep coming: the
 *     records committed meanwhile go in one transaction and fewer, fuller messages (0 relays each
 *     commit's records as soon as it wakes the relay); a submission after a quiet moment goes at once
 * @param confirmTimeout how long the relay waits for the broker's publisher confirms
 * @param stuckAfter a queued job this long past its due time without a pending dispatch is sent again
 */
@Validated
@ConfigurationProperties("tally.rabbitmq")
public record RabbitQueueProperties(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,100}") @DefaultValue("tally") String prefix,
        @Min(1) @Max(1000) @DefaultValue("10") int deliveryLimit,
        @Min(1) @Max(10_000) @DefaultValue("200") int relayBatchSize,
        @Min(1) @Max(JobIdsMessage.MAX_IDS) @DefaultValue("20") int jobsPerMessage,
        @Min(1) @Max(64) @DefaultValue("2") int consumers,
        @NotNull @DefaultValue("500ms") Duration relayInterval,
        @NotNull @DefaultValue("20ms") Duration relayLinger,
        @NotNull @DefaultValue("10s") Duration confirmTimeout,
        @NotNull @DefaultValue("5m") Duration stuckAfter) {

    /** The longest {@link #relayLinger()} allowed: new jobs wait up to this long to be published. */
    static final Duration MAX_RELAY_LINGER = Duration.ofSeconds(1);

    public RabbitQueueProperties {
        // Bean Validation has no portable bounds for Duration.
        if (relayLinger != null && (relayLinger.isNegative() || relayLinger.compareTo(MAX_RELAY_LINGER) > 0)) {
            throw new IllegalArgumentException("tally.rabbitmq.relay-linger must be between 0 and "
                    + MAX_RELAY_LINGER.toMillis() + "ms");
        }
    }

    /** The direct exchange jobs are published to. */
    public String exchange() {
        return prefix + ".jobs";
    }

    /** The quorum queue workers consume. */
    public String queue() {
        return prefix + ".jobs";
    }

    /** Where messages that cannot be processed are parked. */
    public String deadLetterExchange() {
        return prefix + ".jobs.dlx";
    }

    public String deadLetterQueue() {
        return prefix + ".jobs.dead";
    }

    public String routingKey() {
        return "job";
    }
}
