package dev.tally.queue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ReturnListener;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.ChannelProxy;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes dispatch messages ({@link JobIdsMessage}) to the jobs exchange and returns only once
 * RabbitMQ has put every one of them in a queue; otherwise it throws, and the caller keeps its
 * outbox records.
 *
 * <p>It publishes on the channel itself, not through Spring AMQP's cached-channel proxy: when the
 * broker closed a channel (a publish to an exchange that no longer exists is answered so), the
 * proxy's next call ran on a new channel, and the wait for confirms there, with nothing
 * outstanding, returned at once: a refused publish counted as confirmed and its jobs were lost
 * until the reconciler's {@code stuck-after} (by hand: a deleted exchange, one pass in two).
 * Messages are mandatory: one the exchange routes to no queue (the queue or its binding is gone)
 * comes back before its confirm, and counts as not published instead of being dropped.
 */
final class JobMessagePublisher {

    private final RabbitTemplate rabbit;
    private final String exchange;
    private final String routingKey;
    private final long confirmTimeoutMillis;

    JobMessagePublisher(RabbitTemplate rabbit, RabbitQueueProperties properties) {
        this.rabbit = rabbit;
        this.exchange = properties.exchange();
        this.routingKey = properties.routingKey();
        this.confirmTimeoutMillis = properties.confirmTimeout().toMillis();
    }

    /**
     * Publishes one persistent message per entry of {@code messages}, each naming its jobs.
     *
     * @param messages each message's id (for the logs) and the jobs it names
     * @throws AmqpException when any message was not confirmed as queued ({@link UnroutableException}
     *     when the broker had no queue for it)
     */
    void publish(List<Message> messages) {
        rabbit.execute(proxy -> {
            Channel channel = proxy instanceof ChannelProxy cached ? cached.getTargetChannel() : proxy;
            if (channel == null || !channel.isOpen()) {
                throw new AmqpException("the publishing channel is closed");
            }
            Returned returned = new Returned();
            channel.addReturnListener(returned);
            try {
                for (Message message : messages) {
                    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                            .deliveryMode(2)
                            .contentType("text/plain")
                            .messageId(message.id())
                            .build();
                    channel.basicPublish(exchange, routingKey, true, properties, JobIdsMessage.encode(message.jobIds()));
                }
                // Throws if the channel was closed meanwhile or a message was nacked.
                channel.waitForConfirmsOrDie(confirmTimeoutMillis);
            } finally {
                channel.removeReturnListener(returned);
            }
            // The broker sends a return before the confirm of its message, on the connection's
            // thread that also handles the confirm: every return is in by now.
            if (returned.count.get() > 0) {
                throw new UnroutableException(exchange, routingKey, returned.count.get(), returned.replyText);
            }
            return null;
        });
    }

    /** A dispatch message: its id and the jobs it names. */
    record Message(String id, List<UUID> jobIds) {
    }

    /** The broker routed a message to no queue: nothing is bound to the exchange with the key. */
    static final class UnroutableException extends AmqpException {
        UnroutableException(String exchange, String routingKey, int messages, String replyText) {
            super("RabbitMQ routed %d message(s) to no queue (%s): nothing bound to exchange '%s' with key '%s'"
                    .formatted(messages, replyText, exchange, routingKey));
        }
    }

    private static final class Returned implements ReturnListener {
        final AtomicInteger count = new AtomicInteger();
        volatile String replyText;

        @Override
        public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                                 AMQP.BasicProperties properties, byte[] body) {
            this.replyText = replyCode + " " + replyText;
            count.incrementAndGet();
        }
    }
}
