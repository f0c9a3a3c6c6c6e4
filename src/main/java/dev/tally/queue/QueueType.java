package dev.tally.queue;

/** How jobs get from the API to the workers ({@code tally.queue}). */
public enum QueueType {
    /** The job table is the queue, processed by this process's worker pool. */
    LOCAL,
    /** RabbitMQ (not available yet in this version). */
    RABBITMQ
}
