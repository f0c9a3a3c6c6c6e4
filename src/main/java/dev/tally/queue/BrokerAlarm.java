package dev.tally.queue;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionBlockedEvent;
import org.springframework.amqp.rabbit.connection.ConnectionUnblockedEvent;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * What RabbitMQ said of this process's connections: blocked for publishing (a memory or disk
 * alarm) or not. A blocked connection's socket is no longer read by the broker, so anything sent
 * on it waits without an answer, a new channel included, until the alarm clears: the relay does
 * not start a pass then, and readiness says so instead of waiting.
 */
@Component
@ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
class BrokerAlarm {

    private static final Logger log = LoggerFactory.getLogger(BrokerAlarm.class);

    /** Blocked connections and the broker's reason; a connection closed since no longer counts. */
    private final Map<Connection, String> blocked = new ConcurrentHashMap<>();

    @EventListener
    void onBlocked(ConnectionBlockedEvent event) {
        blocked.put(event.getConnection(), event.getReason());
        log.warn("RabbitMQ blocks publishing ({}): jobs are still accepted and wait in the outbox until it unblocks",
                event.getReason());
    }

    @EventListener
    void onUnblocked(ConnectionUnblockedEvent event) {
        if (blocked.remove(event.getConnection()) != null) {
            log.info("RabbitMQ publishes again: the outbox is relayed");
        }
    }

    /**
     * @return the broker's reason while one of this process's open connections is blocked
     *     (a connection replaced meanwhile, say after missed heartbeats, is forgotten: the broker
     *     tells its successor again if the alarm still holds)
     */
    Optional<String> blockedReason() {
        blocked.keySet().removeIf(connection -> !connection.isOpen());
        return blocked.values().stream().findFirst();
    }
}
