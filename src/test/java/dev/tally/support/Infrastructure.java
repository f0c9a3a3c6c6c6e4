package dev.tally.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Where the machine's real PostgreSQL and RabbitMQ are, and fresh names on them so test runs
 * never see each other's data: a schema per test application, a queue prefix per broker user.
 */
public final class Infrastructure {

    private Infrastructure() {
    }

    public static String postgresUrl() {
        return System.getenv().getOrDefault("TALLY_TEST_POSTGRES_URL", "jdbc:postgresql://localhost:5432/test");
    }

    public static String postgresUser() {
        return System.getenv().getOrDefault("TALLY_TEST_POSTGRES_USER", "postgres");
    }

    public static String rabbitHost() {
        return System.getenv().getOrDefault("TALLY_TEST_RABBITMQ_HOST", "localhost");
    }

    public static int rabbitPort() {
        return Integer.parseInt(System.getenv().getOrDefault("TALLY_TEST_RABBITMQ_PORT", "5672"));
    }

    /** A name unique to this run, usable as schema name and queue prefix. */
    public static String uniqueName(String purpose) {
        return purpose + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /**
     * Drops {@code schema} and deletes the RabbitMQ names of {@code prefix} (null: none) while
     * {@code application} closes, once everything running in it has stopped. Not before: while it
     * runs, its listener containers declare their queues again as soon as they are deleted, and
     * its workers and relays keep using the schema. Call it from {@code @BeforeAll}, which may take
     * the application context as a parameter.
     */
    public static void removeWhenStopped(ConfigurableApplicationContext application, String schema, String prefix) {
        // Disposable beans are destroyed after every lifecycle bean (web server, workers, listener
        // containers, relays) has stopped; this one, registered last, before the data source closes.
        var beans = (DefaultSingletonBeanRegistry) application.getBeanFactory();
        beans.registerDisposableBean("removeTestNames." + schema, () -> {
            dropSchema(schema);
            if (prefix != null) {
                deleteRabbitNames(prefix);
            }
        });
    }

    /** Removes a test's schema from PostgreSQL. */
    public static void dropSchema(String schema) {
        postgresAdmin().sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE").update();
    }

    /** The tests' PostgreSQL as its administrator, outside any application's pool. */
    public static org.springframework.jdbc.core.simple.JdbcClient postgresAdmin() {
        return org.springframework.jdbc.core.simple.JdbcClient.create(postgresAdminDataSource());
    }

    /** Connections to the tests' PostgreSQL as its administrator, one per use, outside any pool. */
    public static org.postgresql.ds.PGSimpleDataSource postgresAdminDataSource() {
        var dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(postgresUrl());
        dataSource.setUser(postgresUser());
        return dataSource;
    }

    /** Connections to the tests' PostgreSQL with {@code schema} as their current schema, one per use, outside any pool. */
    public static org.postgresql.ds.PGSimpleDataSource postgresDataSource(String schema) {
        var dataSource = postgresAdminDataSource();
        dataSource.setCurrentSchema(schema);
        return dataSource;
    }

    /** Removes a test's queues and exchanges from RabbitMQ. */
    public static void deleteRabbitNames(String prefix) {
        onRabbit(admin -> {
            admin.deleteQueue(prefix + ".jobs");
            admin.deleteQueue(prefix + ".jobs.dead");
            admin.deleteExchange(prefix + ".jobs");
            admin.deleteExchange(prefix + ".jobs.dlx");
        });
    }

    /** Acts on the tests' RabbitMQ over a connection of its own, as an operator's tool would. */
    public static void onRabbit(java.util.function.Consumer<org.springframework.amqp.rabbit.core.RabbitAdmin> action) {
        var connections = new org.springframework.amqp.rabbit.connection.CachingConnectionFactory(rabbitHost(), rabbitPort());
        try {
            action.accept(new org.springframework.amqp.rabbit.core.RabbitAdmin(connections));
        } finally {
            connections.destroy();
        }
    }

    /**
     * The properties that put a Spring test context on PostgreSQL (schema {@code schema}) and
     * RabbitMQ (names prefixed {@code prefix}), as {@link #distributedArgs} does for a process.
     */
    public static void registerDistributed(DynamicPropertyRegistry registry, String schema, String prefix) {
        registerPostgres(registry, postgresUrl() + "?currentSchema=" + schema, schema);
        registry.add("tally.queue", () -> "rabbitmq");
        registry.add("tally.rabbitmq.prefix", () -> prefix);
        registry.add("spring.rabbitmq.host", Infrastructure::rabbitHost);
        registry.add("spring.rabbitmq.port", Infrastructure::rabbitPort);
    }

    /**
     * Registers the tests' PostgreSQL, reached at {@code url} (directly or through a proxy), as the
     * application's store, migrated into {@code schema}.
     */
    public static void registerPostgres(DynamicPropertyRegistry registry, String url, String schema) {
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", Infrastructure::postgresUser);
        registry.add("spring.flyway.schemas", () -> schema);
    }

    /** {@code args} with {@code --tally.roles=roles} added: one node of a fleet. */
    public static List<String> withRoles(List<String> args, String roles) {
        List<String> node = new ArrayList<>(args);
        node.add("--tally.roles=" + roles);
        return node;
    }

    /**
     * Command-line arguments that put a Tally process on PostgreSQL (schema {@code schema}) and
     * RabbitMQ (names prefixed {@code prefix}).
     */
    public static List<String> distributedArgs(String schema, String prefix) {
        List<String> args = new ArrayList<>();
        args.add("--spring.datasource.url=" + postgresUrl() + "?currentSchema=" + schema);
        args.add("--spring.datasource.username=" + postgresUser());
        args.add("--spring.flyway.schemas=" + schema);
        args.add("--tally.queue=rabbitmq");
        args.add("--tally.rabbitmq.prefix=" + prefix);
        args.add("--spring.rabbitmq.host=" + rabbitHost());
        args.add("--spring.rabbitmq.port=" + rabbitPort());
        return args;
    }
}
