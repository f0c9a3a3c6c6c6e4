package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageListenerContainer;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A worker that receives a job's message while the store is unreachable (the real PostgreSQL
 * behind a cut proxy) cannot claim the job. It must let go of the message, so that it keeps
 * receiving others, and the job, still queued, is dispatched again as soon as the store is back
 * (not when the reconciler would find it, an hour later here) and runs. One consumer taking one message at a time makes a message it holds on to visible: it
 * would receive nothing else, ever.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class StoreOutageAtClaimTest {

    private static final String SCHEMA = Infrastructure.uniqueName("claimoutage");
    private static final String PREFIX = Infrastructure.uniqueName("tally-claimoutage");
    private static final TcpProxy POSTGRES = TcpProxy.inFrontOfPostgres();

    @DynamicPropertySource
    static void distributed(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, POSTGRES.postgresUrl(SCHEMA), SCHEMA);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("tally.queue", () -> "rabbitmq");
        registry.add("tally.rabbitmq.prefix", () -> PREFIX);
        registry.add("tally.rabbitmq.relay-interval", () -> "200ms");
        // The reconciler would find the job only after an hour: the job must come back sooner,
        // dispatched again by the worker that let go of its message, once the store answers.
        registry.add("tally.rabbitmq.stuck-after", () -> "1h");
        registry.add("spring.rabbitmq.host", Infrastructure::rabbitHost);
        registry.add("spring.rabbitmq.port", Infrastructure::rabbitPort);
        registry.add("spring.rabbitmq.listener.simple.prefetch", () -> "1");
        registry.add("tally.worker.concurrency", () -> "1");
        registry.add("tally.worker.lease", () -> "3s");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }

    @AfterAll
    static void closeProxy() throws IOException {
        POSTGRES.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Autowired
    RabbitAdmin admin;

    @Autowired
    RabbitQueueProperties queues;

    @Autowired
    MeterRegistry meters;

    @Test
    void aJobWhoseClaimFailedWhileTheStoreWasDownRunsOnceTheStoreIsBack() throws IOException {
        Api api = new Api(port);
        MessageListenerContainer consumer = listeners.getListenerContainer("tally-jobs");
        consumer.stop();
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"claimed after the outage\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        await(() -> admin.getQueueInfo(queues.queue()).getMessageCount() > 0, "the job's message to be in the queue");

        POSTGRES.cut();
        try {
            consumer.start();
            await(() -> handledMessages() > 0, "the consumer to have handled the message (the claim failing)");
        } finally {
            POSTGRES.restore();
        }

        JsonNode job = api.awaitTerminal(id);
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(meters.get("tally.queue.unclaimed").gauge().value()).as("no job left waiting for the store").isZero();
        assertThat(job.get("attempts").asInt()).as("the failed claim used no attempt").isEqualTo(1);
    }

    /** Messages the jobs listener returned from, normally or not (Spring AMQP times every one). */
    private long handledMessages() {
        return meters.find("spring.rabbitmq.listener").tag("listener.id", "tally-jobs").timers().stream()
                .mapToLong(Timer::count).sum();
    }

    private static void await(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
