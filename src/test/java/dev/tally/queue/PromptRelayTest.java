package dev.tally.queue;

import dev.tally.support.Infrastructure;
import dev.tally.support.PromptProcessingContract;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The outbox relay publishes new jobs as soon as their submission commits, not on its interval
 * (here ten minutes): every committed transaction of new jobs wakes it (RabbitMQ mode, real
 * PostgreSQL and RabbitMQ).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class PromptRelayTest extends PromptProcessingContract {

    private static final String SCHEMA = Infrastructure.uniqueName("prompt");
    private static final String PREFIX = Infrastructure.uniqueName("tally-prompt");

    @DynamicPropertySource
    static void distributed(DynamicPropertyRegistry registry) {
        Infrastructure.registerDistributed(registry, SCHEMA, PREFIX);
        registry.add("tally.rabbitmq.relay-interval", () -> "10m");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }
}
