package dev.tally.store;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Gives the connection pool's PostgreSQL connections Tally's connection properties before the pool
 * opens its first one ({@link PostgresProperties#applyTo}): {@code tally.postgres.network-timeout},
 * and exception messages without the values bound to a failed statement (a submitted text, a URL).
 * Without the timeout pgjdbc waits for an answer as long as the socket lives:
 * a statement in flight when PostgreSQL's host went silent held its thread for good (the single
 * submission writer among them, so every submission after it was refused), and a validity check
 * made without a timeout of its own (Boot's {@code db} health component calls {@code isValid(0)})
 * could wait as long. A write refused as read-only also has the pool renew its sessions
 * ({@link ReadOnlySessionRenewal}), unless {@code spring.datasource.hikari.exception-override-class-name}
 * names a judge of the pool's connections of its own.
 */
@Component
class PostgresConnectionDefaults implements BeanPostProcessor {

    /** Looked up when the pool is made, not when this is: a post-processor is made before other beans. */
    private final ObjectProvider<PostgresProperties> properties;

    PostgresConnectionDefaults(ObjectProvider<PostgresProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (appliesTo(bean)) {
            HikariDataSource pool = (HikariDataSource) bean;
            properties.getObject().applyTo(pool.getDataSourceProperties());
            if (pool.getExceptionOverride() == null && pool.getExceptionOverrideClassName() == null) {
                pool.setExceptionOverride(new ReadOnlySessionRenewal(pool));
            }
        }
        return bean;
    }

    /** Whether {@code dataSource} is a pool of PostgreSQL connections, the kind this gives its properties. */
    static boolean appliesTo(Object dataSource) {
        return dataSource instanceof HikariDataSource pool && pool.getJdbcUrl() != null
                && pool.getJdbcUrl().startsWith("jdbc:postgresql:");
    }
}
