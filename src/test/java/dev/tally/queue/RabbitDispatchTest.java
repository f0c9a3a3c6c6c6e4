package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.MetricsDocs;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * RabbitMQ mode against the machine's real PostgreSQL and RabbitMQ: jobs travel through the
 * transactional outbox and a quorum queue; poison messages are parked; duplicates are harmless.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class RabbitDispatchTest {

    private static final String SCHEMA = Infrastructure.uniqueName("it");
    private static final String PREFIX = Infrastructure.uniqueName("tally-it");

    @DynamicPropertySource
    static void distributed(DynamicPropertyRegistry registry) {
        Infrastructure.registerDistributed(registry, SCHEMA, PREFIX);
        registry.add("tally.worker.lease", () -> "3s");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    RabbitAdmin admin;

    @Autowired
    RabbitQueueProperties queues;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void declaresADurableQuorumQueueWithDeadLettering() {
        var info = admin.getQueueInfo(queues.queue());
        assertThat(info).isNotNull();
        assertThat(admin.getQueueInfo(queues.deadLetterQueue())).isNotNull();
    }

    @Test
    void jobsTravelThroughTheOutboxAndTheBrokerToAWorker() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(submitText("through the broker " + i));
        }

        for (String id : ids) {
            JsonNode job = api.awaitTerminal(id);
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("result").get("totalWords").asInt()).isEqualTo(4);
        }
        awaitEmptyOutbox();
    }

    @Test
    void servesOnlyTallyMetersThatTheOperatorsDocsDescribe() {
        api.awaitTerminal(submitText("the meters of the distributed mode"));
        awaitEmptyOutbox();

        MetricsDocs.assertEveryTallyMeterDocumented(api.get("/actuator/prometheus").body());
    }

    @Test
    void countsTheJobsEachClaimTransactionTookFromTheBrokersMessages() {
        var claims = meters.get("tally.dispatch.claim.batch.size").summary();
        double claimedBefore = claims.totalAmount();
        long transactionsBefore = claims.count();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(submitText("claimed from a message " + i));
        }
        ids.forEach(api::awaitTerminal);

        assertThat(claims.totalAmount() - claimedBefore).isGreaterThanOrEqualTo(8);
        assertThat(claims.count() - transactionsBefore).isBetween(1L, (long) (claims.totalAmount() - claimedBefore));
    }

    @Test
    void aDuplicateDeliveryOfAFinishedJobIsIgnored() {
        String id = submitText("only once please");
        JsonNode done = api.awaitTerminal(id);

        sendAndAwaitIgnored(id);

        JsonNode again = api.get("/api/v1/jobs/" + id).json();
        assertThat(again.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(again.get("attempts").asInt()).isEqualTo(1);
        assertThat(again.get("updatedAt").asString()).isEqualTo(done.get("updatedAt").asString());
        int results = jdbc.sql("SELECT COUNT(*) FROM job_result WHERE job_id = CAST(:id AS UUID)")
                .param("id", id).query(Integer.class).single();
        assertThat(results).isEqualTo(1);
    }

    @Test
    void aPoisonMessageIsParkedInTheDeadLetterQueue() {
        rabbit.send(queues.exchange(), queues.routingKey(), textMessage("this is not a job id"));

        Message parked = rabbit.receive(queues.deadLetterQueue(), 10_000);

        assertThat(parked).isNotNull();
        assertThat(new String(parked.getBody())).isEqualTo("this is not a job id");
    }

    @Test
    void aMessageForADeletedJobIsAckedAndIgnored() {
        sendAndAwaitIgnored("0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e");

        assertThat(rabbit.receive(queues.deadLetterQueue(), 500)).isNull();
    }

    @Test
    void readinessIncludesTheBroker() {
        Api.Response readiness = api.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(api.get("/health").json().get("data").get("status").asString()).isEqualTo("PASS");
    }

    private String submitText(String text) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("id").asString();
    }

    private static Message textMessage(String body) {
        var props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
        return new Message(body.getBytes(), props);
    }

    private void awaitEmptyOutbox() {
        await(() -> jdbc.sql("SELECT COUNT(*) FROM job_dispatch").query(Integer.class).single() == 0, "outbox to empty");
    }

    /**
     * Sends a message naming {@code jobId} and waits until the consumer has ignored it: found no
     * queued job to claim, so it acks the message and leaves the store alone.
     */
    private void sendAndAwaitIgnored(String jobId) {
        double before = ignoredDeliveries();
        rabbit.send(queues.exchange(), queues.routingKey(), textMessage(jobId));
        await(() -> ignoredDeliveries() > before, "the consumer to ignore the message");
    }

    private double ignoredDeliveries() {
        return meters.get("tally.queue.duplicates").counter().count();
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
