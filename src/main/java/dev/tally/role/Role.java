package dev.tally.role;

/** The parts of Tally a process runs ({@code tally.roles}). */
public enum Role {
    /** The HTTP APIs (jobs and compatible) and, with RabbitMQ, the outbox relay. */
    API,
    /** Job processing and the reconciler that hands back the jobs of dead workers. */
    WORKER
}
