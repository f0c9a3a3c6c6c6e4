package dev.tally.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Declares the broker's exchanges, queues and bindings ({@link RabbitTopology}) again when a
 * publish finds one gone: refused for a missing exchange, or returned for want of a queue. Spring
 * AMQP's admin declares them on every new connection, and a consumer whose queue was deleted
 * declares them when it restarts; but an exchange deleted under an open connection (by an
 * operator, a definitions import, a cleanup script) made every publish fail with 404 on the same
 * connection, and the jobs waited in the outbox until a node restarted.
 */
@Component
@ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
class LostTopology {

    private static final Logger log = LoggerFactory.getLogger(LostTopology.class);

    private final AmqpAdmin admin;

    LostTopology(AmqpAdmin admin) {
        this.admin = admin;
    }

    /**
     * Declares the topology again if {@code failure} says part of it is gone: the broker closed a
     * channel with "not found", or routed a message to no queue.
     *
     * @return whether it was declared again
     */
    boolean restoreAfter(Throwable failure) {
        if (!lacksTopology(failure)) {
            return false;
        }
        try {
            admin.initialize();
            log.warn("RabbitMQ lacks an exchange, queue or binding of Tally's (deleted?); declared them again");
            return true;
        } catch (AmqpException e) {
            log.warn("RabbitMQ lacks an exchange, queue or binding of Tally's, and declaring them again failed: {}",
                    e.getMessage());
            return false;
        }
    }

    /** A channel closed by the broker with 404 NOT_FOUND, or an unroutable message, anywhere in the causes. */
    static boolean lacksTopology(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JobMessagePublisher.UnroutableException) {
                return true;
            }
            if (cause instanceof ShutdownSignalException signal
                    && !signal.isHardError()
                    && signal.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == AMQP.NOT_FOUND) {
                return true;
            }
        }
        return false;
    }
}
