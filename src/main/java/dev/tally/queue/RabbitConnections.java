package dev.tally.queue;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.boot.amqp.health.RabbitHealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How this process talks to RabbitMQ in RabbitMQ mode: publishing (the outbox relay) on a
 * connection of its own, and the broker's part of readiness.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
class RabbitConnections {

    /**
     * RabbitMQ blocks a connection that publishes during a resource alarm, and reads nothing more
     * from it, acks included. On a connection shared with the consumers, a node with both roles
     * would stop taking the jobs the broker already holds, which is what frees its memory; on a
     * connection of their own, the consumers go on.
     */
    @Bean
    RabbitTemplateCustomizer publishOnAConnectionOfItsOwn() {
        return template -> template.setUsePublisherConnection(true);
    }

    /**
     * Readiness includes the broker only in this mode (Boot's own indicator is switched off). While
     * the broker blocks publishing it is DOWN with the broker's reason, answered at once: Boot's
     * check opens a channel, which a blocked connection never answers.
     */
    @Bean(name = "rabbit")
    HealthIndicator rabbitHealthIndicator(RabbitTemplate rabbitTemplate, BrokerAlarm alarm) {
        RabbitHealthIndicator connected = new RabbitHealthIndicator(rabbitTemplate);
        return () -> alarm.blockedReason()
                .map(reason -> Health.down().withDetail("blocked", reason).build())
                .orElseGet(connected::health);
    }
}
