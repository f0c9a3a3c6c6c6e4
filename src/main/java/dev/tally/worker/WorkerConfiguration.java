package dev.tally.worker;

import dev.tally.job.JobAttempts;
import dev.tally.job.JobDispatches;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.WORKER)
class WorkerConfiguration {

    /** How long a stopping listener container waits for its listeners (see {@link #promptConsumerShutdown()}). */
    static final Duration CONSUMER_SHUTDOWN = Duration.ofSeconds(2);

    @Bean
    @ConditionalOnProperty(name = "tally.queue", havingValue = "local", matchIfMissing = true)
    LocalWorkerPool localWorkerPool(JobAttempts attempts, AttemptRunner runner, WorkerProperties properties,
                                    RetryProperties retry, DataSource dataSource) throws SQLException {
        return new LocalWorkerPool(attempts, runner, properties, retry, isExclusiveEmbeddedStore(dataSource));
    }

    @Bean
    @ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
    RabbitJobConsumer rabbitJobConsumer(JobAttempts attempts, AttemptRunner runner, WorkerProperties properties,
                                        UnclaimedJobs unclaimed, MeterRegistry meters) {
        return new RabbitJobConsumer(attempts, runner, properties, unclaimed, meters);
    }

    @Bean
    @ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
    UnclaimedJobs unclaimedJobs(JobDispatches dispatches, MeterRegistry meters) {
        return new UnclaimedJobs(dispatches, meters);
    }

    /**
     * Listener threads only claim jobs and hand them to the worker threads, which have the shutdown
     * grace period of their own ({@link RabbitJobConsumer#stop()}); a listener still waiting for a
     * free worker thread when this runs out lets its message go back to the queue (the container
     * closes its channel), where another worker finds the jobs not claimed here.
     */
    @Bean
    @ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
    ContainerCustomizer<SimpleMessageListenerContainer> promptConsumerShutdown() {
        return container -> container.setShutdownTimeout(CONSUMER_SHUTDOWN.toMillis());
    }

    /** An embedded H2 database opened in-process (not through a server) belongs to this process alone. */
    static boolean isExclusiveEmbeddedStore(DataSource dataSource) throws SQLException {
        try (var connection = dataSource.getConnection()) {
            String url = connection.getMetaData().getURL().toLowerCase(Locale.ROOT);
            return url.startsWith("jdbc:h2:")
                    && !url.startsWith("jdbc:h2:tcp:")
                    && !url.startsWith("jdbc:h2:ssl:")
                    && !url.contains("auto_server=true");
        }
    }
}
