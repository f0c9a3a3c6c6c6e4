package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.fetch.CallbackSender;
import dev.tally.fetch.FetchException;
import dev.tally.support.Api;
import dev.tally.support.OnEmbeddedFileStore;
import dev.tally.support.TestSite;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A node's stop while a webhook receiver is still holding a delivery: after
 * {@link WebhookDispatcher#STOP_WAIT} the send is cut short, without interrupting the sender's
 * thread (an interrupt that outlives a blocking send lands in the store write that records it, and
 * closes the embedded store's file), and the delivery is left to be sent again, not counted as a
 * failed attempt.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tally.fetch.allow-private-networks=true",
        "tally.webhooks.timeout=30s",
        "tally.webhooks.poll-interval=100ms"})
@DirtiesContext
class WebhookStopTest extends OnEmbeddedFileStore {

    /** Past the stop's wait: the receiver answers only after the stop gave up on it. */
    private static final Duration RECEIVER_HOLDS = WebhookDispatcher.STOP_WAIT.plusSeconds(3);

    @LocalServerPort
    int port;

    @Autowired
    WebhookDispatcher dispatcher;

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void startAgain() {
        if (!dispatcher.isRunning()) {
            dispatcher.start();
        }
    }

    @Test
    void cutsASlowReceiversDeliveryShortAtStopAndLeavesTheStoreOpen() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(1);
        TestSite site = slowReceiver("/stop/slow-hook", arrived, answered);
        Api api = new Api(port);
        Api.Response accepted = api.postJson("/api/v1/jobs", """
                {"text": "the node stops while the receiver thinks", "callbackUrl": "%s"}"""
                .formatted(site.url("/stop/slow-hook")));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        dispatcher.stop();
        Duration stopTook = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answered.await(RECEIVER_HOLDS.toSeconds() + 5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(500); // what the sender does after the receiver's end, if anything

        assertThat(stopTook).isLessThan(RECEIVER_HOLDS);
        Map<String, Object> delivery = jdbc.queryForMap("SELECT status, attempts FROM webhook_delivery WHERE url = ?",
                site.url("/stop/slow-hook"));
        assertThat(delivery.get("STATUS")).isEqualTo("PENDING");
        assertThat(((Number) delivery.get("ATTEMPTS")).intValue()).isZero();
        Api.Response afterStop = api.postJson("/api/v1/jobs", "{\"text\": \"the store still takes jobs\"}");
        assertThat(afterStop.status()).isEqualTo(202);
        String id = afterStop.json().get("id").asString();
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/jobs/" + id).json().get("status").asString(), "SUCCEEDED"::equals);
    }

    /** A stop that cut a send short leaves nothing behind: after a new start a failed send counts as an attempt again. */
    @Test
    void recordsFailedSendsAsAttemptsAfterARestart() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        TestSite site = slowReceiver("/stop/slower-hook", arrived, new CountDownLatch(1));
        Api api = new Api(port);
        api.postJson("/api/v1/jobs", """
                {"text": "a stop cuts this one short", "callbackUrl": "%s"}""".formatted(site.url("/stop/slower-hook")));
        assertThat(arrived.await(20, TimeUnit.SECONDS)).isTrue();
        dispatcher.stop();
        dispatcher.start();

        String refusing = "http://127.0.0.1:" + closedPort() + "/hook";
        assertThat(api.postJson("/api/v1/jobs", """
                {"text": "no receiver listens", "callbackUrl": "%s"}""".formatted(refusing)).status()).isEqualTo(202);

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM webhook_delivery WHERE url = ?", Integer.class, refusing), attempts -> attempts >= 1);
    }

    /**
     * A send that saw no cut when it began, but registered its post only after the stop's first
     * abort, is cut by a later one: it ran to the receiver's answer, and its outcome was written
     * into a store being stopped.
     */
    @Test
    void cutsASendThatRegisteredJustAfterTheStopsAbort() throws Exception {
        CountDownLatch heldArrived = new CountDownLatch(1);
        TestSite site = slowReceiver("/stop/held-hook", heldArrived, new CountDownLatch(1));
        slowReceiver("/stop/late-hook", new CountDownLatch(1), new CountDownLatch(1));
        Api api = new Api(port);
        api.postJson("/api/v1/jobs", """
                {"text": "held by its receiver", "callbackUrl": "%s"}""".formatted(site.url("/stop/held-hook")));
        assertThat(heldArrived.await(20, TimeUnit.SECONDS)).isTrue();
        HOLD_UNTIL_ABORT.set("/stop/late-hook");
        api.postJson("/api/v1/jobs", """
                {"text": "sent as the stop aborts", "callbackUrl": "%s"}""".formatted(site.url("/stop/late-hook")));
        assertThat(HeldSender.waiting.await(20, TimeUnit.SECONDS)).isTrue();

        dispatcher.stop();

        Thread.sleep(RECEIVER_HOLDS.toMillis() + 1000); // past the late receiver's answer, had the post run on
        Map<String, Object> late = jdbc.queryForMap("SELECT status, attempts FROM webhook_delivery WHERE url = ?",
                site.url("/stop/late-hook"));
        assertThat(late.get("STATUS")).as("cut short, left to be sent again").isEqualTo("PENDING");
        assertThat(((Number) late.get("ATTEMPTS")).intValue()).isZero();
    }

    /** The path of the one post {@link HeldSender} holds until the stop's first abort. */
    static final AtomicReference<String> HOLD_UNTIL_ABORT = new AtomicReference<>();

    /** Wraps the node's sender so one post begins only after the stop's first abort: the race made certain. */
    @TestConfiguration
    static class HoldOnePost {
        @Bean
        static BeanPostProcessor holdingSender() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof CallbackSender sender ? new HeldSender(sender) : bean;
                }
            };
        }
    }

    static final class HeldSender implements CallbackSender, AutoCloseable {
        static final CountDownLatch waiting = new CountDownLatch(1);
        static final CountDownLatch aborted = new CountDownLatch(1);
        private final CallbackSender delegate;

        HeldSender(CallbackSender delegate) {
            this.delegate = delegate;
        }

        @Override
        public int post(URI url, Map<String, String> headers, byte[] body, Duration timeout)
                throws FetchException, InterruptedException {
            if (url.getPath().equals(HOLD_UNTIL_ABORT.get())) {
                waiting.countDown();
                aborted.await();
            }
            return delegate.post(url, headers, body, timeout);
        }

        @Override
        public void abortAll() {
            delegate.abortAll();
            aborted.countDown();
        }

        @Override
        public void close() throws Exception {
            if (delegate instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    /** A receiver that takes a delivery and answers it only after {@link #RECEIVER_HOLDS}, unless the sender hangs up. */
    private static TestSite slowReceiver(String path, CountDownLatch arrived, CountDownLatch answered) {
        return TestSite.get().handle(path, exchange -> {
            exchange.getRequestBody().readAllBytes();
            arrived.countDown();
            try {
                Thread.sleep(RECEIVER_HOLDS.toMillis());
                exchange.sendResponseHeaders(204, -1);
            } catch (InterruptedException | java.io.IOException e) {
                // the sender hung up: nothing to answer
            } finally {
                answered.countDown();
                exchange.close();
            }
        });
    }

    /** A loopback port nothing listens on: a connection to it is refused. */
    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
