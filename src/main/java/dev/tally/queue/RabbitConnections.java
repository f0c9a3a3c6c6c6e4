package dev.tally.queue;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.config.BeanPostProcessor;
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
     * Closing a connection waits for the broker's close-ok, 30 s at most in Spring AMQP; a broker
     * that blocks the connection during a resource alarm never sends it, and each stop then waited
     * the whole 30 s (a stop during an alarm took ~60 s with the relay's wait, past Kubernetes' 30 s
     * grace). A broker that answers closes in milliseconds.
     */
    static final int CLOSE_TIMEOUT_MILLIS = 3_000;

    /** Also: channels closed for a missing exchange or queue are not logged at ERROR ({@link ChannelCloseLogging}). */
    @Bean
    static BeanPostProcessor shortCloseOfBlockedConnections() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof CachingConnectionFactory connections) {
                    connections.setCloseTimeout(CLOSE_TIMEOUT_MILLIS);
                    connections.setCloseExceptionLogger(new ChannelCloseLogging());
                }
                return bean;
            }
        };
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
