package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TestSite;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
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
 * One broker message names many jobs (RabbitMQ mode, real PostgreSQL and RabbitMQ): the relay
 * packs a batch of dispatch records into messages of up to {@code tally.rabbitmq.jobs-per-message}
 * ids, passes at least {@code tally.rabbitmq.relay-linger} apart while submissions keep coming,
 * and the consumer claims a message's jobs only as worker threads come free. The relay and
 * the listener are paused while a test lines up its jobs, so the messages are made as the test
 * says.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class BatchedDispatchTest {

    private static final String SCHEMA = Infrastructure.uniqueName("batched");
    private static final String PREFIX = Infrastructure.uniqueName("tally-batched");
    private static final int WORKER_THREADS = 2;
    private static final Duration BROKER_WAIT = Duration.ofSeconds(20);

    @DynamicPropertySource
    static void distributed(DynamicPropertyRegistry registry) {
        Infrastructure.registerDistributed(registry, SCHEMA, PREFIX);
        registry.add("tally.rabbitmq.jobs-per-message", () -> "20");
        // Longer than a submission takes here, so that submissions made one after another can share passes.
        registry.add("tally.rabbitmq.relay-linger", () -> "200ms");
        registry.add("tally.worker.concurrency", () -> String.valueOf(WORKER_THREADS));
        registry.add("tally.fetch.allow-private-networks", () -> "true");
        registry.add("tally.fetch.per-host-concurrency", () -> "16");
        registry.add("tally.fetch.per-host-interval", () -> "0ms");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }

    @LocalServerPort
    int port;

    @Autowired
    OutboxRelay relay;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

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
    void pauseDispatch() {
        api = new Api(port);
        relay.stop();
        listeners.getListenerContainer("tally-jobs").stop();
    }

    @AfterEach
    void resumeDispatch() {
        listeners.getListenerContainer("tally-jobs").start();
        relay.start();
    }

    @Test
    void theRelaySendsFortyFiveJobsInThreeMessagesAndEachJobRunsOnce() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            ids.add(submit("{\"text\":\"forty five jobs in three messages " + i + "\"}"));
        }

        assertThat(relay.relayAll()).isEqualTo(45);
        await("the broker to hold the three messages").atMost(BROKER_WAIT).until(() -> queuedMessages() == 3);
        listeners.getListenerContainer("tally-jobs").start();

        for (String id : ids) {
            JsonNode job = api.awaitTerminal(id);
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempts").asInt()).isEqualTo(1);
            assertThat(job.get("result").get("totalWords").asInt()).isEqualTo(7);
        }
        await("every message to be acked").atMost(BROKER_WAIT).until(() -> queuedMessages() == 0);
    }

    @Test
    void aMessageOfSixJobsIsClaimedOnlyAsFastAsWorkerThreadsComeFree() throws InterruptedException {
        TestSite site = TestSite.get();
        site.slowHtml("/batched/slow", 400, "<p>worth the wait</p>");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(submit("{\"url\":\"" + site.url("/batched/slow?n=" + i) + "\"}"));
        }
        assertThat(relay.relayAll()).isEqualTo(6);
        await("the broker to hold the one message").atMost(BROKER_WAIT).until(() -> queuedMessages() == 1);

        listeners.getListenerContainer("tally-jobs").start();
        int mostRunning = 0;
        boolean sawQueuedWhileThreadsBusy = false;
        Instant deadline = Instant.now().plusSeconds(30);
        while (finished(ids) < ids.size() && Instant.now().isBefore(deadline)) {
            Map<String, Integer> states = states(ids);
            int running = states.getOrDefault("RUNNING", 0);
            mostRunning = Math.max(mostRunning, running);
            sawQueuedWhileThreadsBusy |= running == WORKER_THREADS && states.getOrDefault("QUEUED", 0) > 0;
            Thread.sleep(10);
        }

        assertThat(finished(ids)).as("every job done").isEqualTo(ids.size());
        assertThat(mostRunning).as("jobs running at once: one per worker thread, never more").isEqualTo(WORKER_THREADS);
        assertThat(sawQueuedWhileThreadsBusy).as("the message's other jobs wait unclaimed while the threads are busy").isTrue();
        for (String id : ids) {
            assertThat(api.get("/api/v1/jobs/" + id).json().get("status").asString()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void submissionsArrivingOneByOneShareRelayPassesWhileTheRelayLingers() {
        DistributionSummary passes = meters.get("tally.outbox.relay.batch.size").summary();
        long passesBefore = passes.count();
        double relayedBefore = passes.totalAmount();
        relay.start();
        try {
            List<String> ids = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                ids.add(submit("{\"text\":\"one of forty submissions made one after another " + i + "\"}"));
            }
            Duration submitting = Duration.ofNanos(System.nanoTime() - started);

            await("every job relayed").atMost(BROKER_WAIT).until(() -> passes.totalAmount() - relayedBefore == 40);
            // Without the linger each submission's commit would wake a pass of its own.
            long mostPasses = submitting.toNanos() / queues.relayLinger().toNanos() + 2;
            assertThat(passes.count() - passesBefore).as("relay passes for 40 submissions in " + submitting.toMillis() + " ms")
                    .isLessThanOrEqualTo(mostPasses);

            listeners.getListenerContainer("tally-jobs").start();
            for (String id : ids) {
                assertThat(api.awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
            }
        } finally {
            relay.stop();
            // The other tests count the messages on the queue: leave it empty.
            listeners.getListenerContainer("tally-jobs").start();
            await("every message to be acked").atMost(BROKER_WAIT).until(() -> queuedMessages() == 0);
        }
    }

    private String submit(String json) {
        Api.Response response = api.postJson("/api/v1/jobs", json);
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("id").asString();
    }

    private int queuedMessages() {
        var info = admin.getQueueInfo(queues.queue());
        return info == null ? -1 : (int) info.getMessageCount();
    }

    private Map<String, Integer> states(List<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        jdbc.sql("SELECT status, COUNT(*) FROM job WHERE CAST(id AS VARCHAR(36)) IN (:ids) GROUP BY status")
                .param("ids", ids)
                .query((rs, n) -> counts.put(rs.getString(1), rs.getInt(2)))
                .list();
        return counts;
    }

    private int finished(List<String> ids) {
        Map<String, Integer> states = states(ids);
        return states.getOrDefault("SUCCEEDED", 0) + states.getOrDefault("FAILED", 0);
    }
}
