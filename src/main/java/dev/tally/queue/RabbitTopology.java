package dev.tally.queue;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The broker side of RabbitMQ mode, declared by Spring AMQP's admin on every (re)connection: a
 * durable quorum queue with a delivery limit, dead-lettering to a parking queue.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
class RabbitTopology {

    @Bean
    DirectExchange jobsExchange(RabbitQueueProperties properties) {
        return new DirectExchange(properties.exchange(), true, false);
    }

    @Bean
    DirectExchange jobsDeadLetterExchange(RabbitQueueProperties properties) {
        return new DirectExchange(properties.deadLetterExchange(), true, false);
    }

    @Bean
    Queue jobsQueue(RabbitQueueProperties properties) {
        return QueueBuilder.durable(properties.queue())
                .quorum()
                .deliveryLimit(properties.deliveryLimit())
                .deadLetterExchange(properties.deadLetterExchange())
                .deadLetterRoutingKey(properties.routingKey())
                .build();
    }

    @Bean
    Queue jobsDeadLetterQueue(RabbitQueueProperties properties) {
        return QueueBuilder.durable(properties.deadLetterQueue()).quorum().build();
    }

    @Bean
    Binding jobsBinding(Queue jobsQueue, DirectExchange jobsExchange, RabbitQueueProperties properties) {
        return BindingBuilder.bind(jobsQueue).to(jobsExchange).with(properties.routingKey());
    }

    @Bean
    Binding jobsDeadLetterBinding(Queue jobsDeadLetterQueue, DirectExchange jobsDeadLetterExchange,
                                  RabbitQueueProperties properties) {
        return BindingBuilder.bind(jobsDeadLetterQueue).to(jobsDeadLetterExchange).with(properties.routingKey());
    }
}
