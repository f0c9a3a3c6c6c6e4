package dev.tally.worker;

import dev.tally.job.JobAttempts;
import dev.tally.job.JobDispatches;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.WORKER)
class WorkerConfiguration {

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

    /** Lets a stopping consumer finish its running jobs for the shutdown grace period. */
    @Bean
    @ConditionalOnProperty(name = "tally.queue", havingValue = "rabbitmq")
    ContainerCustomizer<SimpleMessageListenerContainer> gracefulJobConsumers(WorkerProperties properties) {
        return container -> container.setShutdownTimeout(properties.shutdownGrace().toMillis());
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
