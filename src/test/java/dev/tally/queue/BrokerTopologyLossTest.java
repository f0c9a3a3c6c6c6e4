package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.MessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real RabbitMQ loses part of Tally's topology while Tally runs (an operator deletes it):
 * Tally declares it again, and every job runs, also those whose messages went with a deleted
 * queue.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class BrokerTopologyLossTest {

    private static final String SCHEMA = Infrastructure.uniqueName("topology");
    private static final String PREFIX = Infrastructure.uniqueName("tally-topology");

    @DynamicPropertySource
    static void distributed(DynamicPropertyRegistry registry) {
        Infrastructure.registerDistributed(registry, SCHEMA, PREFIX);
        registry.add("tally.rabbitmq.relay-interval", () -> "200ms");
        // The reconciler (every half lease) dispatches again what a deleted queue took with it.
        registry.add("tally.rabbitmq.stuck-after", () -> "2s");
        registry.add("tally.worker.lease", () -> "4s");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }

    @LocalServerPort
    int port;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    @Test
    void declaresADeletedExchangeAgainAndRunsTheJobsThatWaitedForIt(CapturedOutput output) {
        Api api = new Api(port);
        assertThat(api.awaitTerminal(submit(api, "before the exchange went")).get("status").asString())
                .isEqualTo("SUCCEEDED");

        Infrastructure.onRabbit(admin -> assertThat(admin.deleteExchange(PREFIX + ".jobs")).isTrue());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit(api, "after the exchange went " + i));
        }

        for (String id : ids) {
            assertThat(api.awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
        }
        assertThat(output.getOut()).contains("RabbitMQ lacks an exchange, queue or binding of Tally's (deleted?); declared them again");
        assertThat(output.getOut().lines().filter(line -> line.contains(" ERROR ")))
                .as("a loss the node repairs is not an error: Spring AMQP's channel-close lines are DEBUG")
                .noneMatch(line -> line.contains("NOT_FOUND"));
    }

    @Test
    void runsTheJobsWhoseMessagesWentWithADeletedQueue(CapturedOutput output) {
        Api api = new Api(port);
        MessageListenerContainer consumers = listeners.getListenerContainer("tally-jobs");
        List<String> ids = new ArrayList<>();
        consumers.stop();
        try {
            double before = published();
            for (int i = 0; i < 3; i++) {
                ids.add(submit(api, "waiting in the queue " + i));
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> published() >= before + 3);

            Infrastructure.onRabbit(admin -> assertThat(admin.deleteQueue(PREFIX + ".jobs")).isTrue());
        } finally {
            consumers.start();
        }

        for (String id : ids) {
            assertThat(api.awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
        }
        assertThat(output.getOut()).contains("had lost their message and were dispatched again");
    }

    private double published() {
        return meters.get("tally.outbox.published").counter().count();
    }

    private static String submit(Api api, String text) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("id").asString();
    }
}
