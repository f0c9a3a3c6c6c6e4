package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.support.Infrastructure;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishing dispatch messages to the real RabbitMQ: a publish returns only when the broker has
 * queued every message, and throws (so the outbox keeps its records) when it did not.
 */
class JobMessagePublisherTest {

    private final RabbitQueueProperties properties = new RabbitQueueProperties(
            Infrastructure.uniqueName("tally-publisher"), 10, 200, 20, 2, Duration.ofMillis(500), Duration.ofMillis(20),
            Duration.ofSeconds(10), Duration.ofMinutes(5));
    private final CachingConnectionFactory connections = connections();
    private final RabbitTemplate rabbit = new RabbitTemplate(connections);
    private final RabbitAdmin admin = new RabbitAdmin(connections);
    private final JobMessagePublisher publisher = new JobMessagePublisher(rabbit, properties);

    @AfterEach
    void removeNames() {
        admin.deleteQueue(properties.queue());
        admin.deleteExchange(properties.exchange());
        connections.destroy();
    }

    @Test
    void queuesEachMessageWithItsIdAndJobs() {
        declareExchangeAndQueue();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();

        publisher.publish(List.of(new JobMessagePublisher.Message("dispatch-1", List.of(first, second)),
                new JobMessagePublisher.Message("dispatch-3", List.of(third))));

        Message one = rabbit.receive(properties.queue(), 5_000);
        Message two = rabbit.receive(properties.queue(), 5_000);
        assertThat(one.getMessageProperties().getMessageId()).isEqualTo("dispatch-1");
        assertThat(JobIdsMessage.decode(one.getBody())).contains(List.of(first, second));
        assertThat(two.getMessageProperties().getMessageId()).isEqualTo("dispatch-3");
        assertThat(JobIdsMessage.decode(two.getBody())).contains(List.of(third));
        assertThat(one.getMessageProperties().getReceivedDeliveryMode())
                .isEqualTo(org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT);
    }

    /**
     * The broker answers a publish to a missing exchange by closing the channel. Through Spring's
     * cached-channel proxy, a wait for confirms that came after that close ran on a new channel
     * and returned at once, so some of these publishes counted as confirmed.
     */
    @Test
    void neverCountsAPublishToAMissingExchangeAsConfirmed() {
        for (int i = 0; i < 30; i++) {
            var message = new JobMessagePublisher.Message("dispatch-" + i, List.of(UUID.randomUUID()));
            assertThatThrownBy(() -> publisher.publish(List.of(message)))
                    .as("publish %d", i)
                    .isInstanceOf(AmqpException.class)
                    .satisfies(failure -> assertThat(LostTopology.lacksTopology(failure)).isTrue());
        }
    }

    @Test
    void failsWhenNoQueueIsBoundToTheExchange() {
        admin.declareExchange(new DirectExchange(properties.exchange(), true, false));

        assertThatThrownBy(() -> publisher.publish(List.of(
                new JobMessagePublisher.Message("dispatch-1", List.of(UUID.randomUUID())),
                new JobMessagePublisher.Message("dispatch-2", List.of(UUID.randomUUID())))))
                .isInstanceOf(JobMessagePublisher.UnroutableException.class)
                .hasMessageContaining("2 message(s)")
                .hasMessageContaining("NO_ROUTE");
    }

    @Test
    void publishesOnceTheMissingExchangeIsBack() {
        var message = new JobMessagePublisher.Message("dispatch-1", List.of(UUID.randomUUID()));
        assertThatThrownBy(() -> publisher.publish(List.of(message))).isInstanceOf(AmqpException.class);

        declareExchangeAndQueue();
        publisher.publish(List.of(message));

        assertThat(rabbit.receive(properties.queue(), 5_000)).isNotNull();
    }

    private void declareExchangeAndQueue() {
        DirectExchange exchange = new DirectExchange(properties.exchange(), true, false);
        Queue queue = new Queue(properties.queue(), true, false, false);
        admin.declareExchange(exchange);
        admin.declareQueue(queue);
        Binding binding = BindingBuilder.bind(queue).to(exchange).with(properties.routingKey());
        admin.declareBinding(binding);
    }

    private static CachingConnectionFactory connections() {
        var connections = new CachingConnectionFactory(Infrastructure.rabbitHost(), Infrastructure.rabbitPort());
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        return connections;
    }
}
