package dev.tally.worker;

import dev.tally.job.JobAttempts;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    @Bean
    @ConditionalOnProperty(name = "tally.queue", havingValue = "local", matchIfMissing = true)
    LocalWorkerPool localWorkerPool(JobAttempts attempts, JobProcessor processor, WorkerProperties properties,
                                    RetryProperties retry, DataSource dataSource) throws SQLException {
        return new LocalWorkerPool(attempts, processor, properties, retry, isExclusiveEmbeddedStore(dataSource));
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
