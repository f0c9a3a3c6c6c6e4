package dev.tally.queue;

/** How jobs get from the API to the workers ({@code tally.queue}). */
public enum QueueType {
    /** The job table is the queue, polled by each process's worker pool; one machine. */
    LOCAL,
    /** A transactional outbox relayed to a RabbitMQ quorum queue; competing worker processes. */
    RABBITMQ
}
