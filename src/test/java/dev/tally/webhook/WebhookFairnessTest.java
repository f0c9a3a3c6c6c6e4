package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.tally.support.Api;
import dev.tally.support.TestSite;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A receiver that does not answer holds no more than its share of a node's senders, and is left
 * alone for a while after a timeout: other receivers' deliveries go out meanwhile instead of
 * waiting behind its backlog. A delivery claimed as the node stops is not lost.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-webhook-fairness;DB_CLOSE_DELAY=-1",
        "tally.fetch.allow-private-networks=true",
        "tally.webhooks.secret=fairness-secret",
        "tally.webhooks.concurrency=4",
        "tally.webhooks.per-receiver-concurrency=2",
        "tally.webhooks.timeout=2s",
        "tally.webhooks.initial-backoff=5s",
        "tally.webhooks.max-attempts=2",
        "tally.webhooks.poll-interval=100ms"
})
class WebhookFairnessTest {

    private static final int SILENT_RECEIVER_DELIVERIES = 30;

    @LocalServerPort
    int port;

    @Autowired
    WebhookDispatcher dispatcher;

    /** A receiver that takes every request and answers none until the test ends. */
    private HttpServer silent;
    /** Another receiver that answers at once, when a test starts it. */
    private HttpServer fast;
    private ExecutorService silentThreads;
    private final CountDownLatch testOver = new CountDownLatch(1);
    private final AtomicInteger silentInFlight = new AtomicInteger();
    private final AtomicInteger silentMostAtOnce = new AtomicInteger();
    private final AtomicInteger silentRequests = new AtomicInteger();

    @BeforeEach
    void startSilentReceiver() throws Exception {
        silentThreads = Executors.newCachedThreadPool();
        silent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        silent.setExecutor(silentThreads);
        silent.createContext("/hooks", exchange -> {
            silentRequests.incrementAndGet();
            silentMostAtOnce.accumulateAndGet(silentInFlight.incrementAndGet(), Math::max);
            try {
                exchange.getRequestBody().readAllBytes();
                testOver.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                silentInFlight.decrementAndGet();
                exchange.close();
            }
        });
        silent.start();
    }

    @AfterEach
    void stopSilentReceiver() {
        testOver.countDown();
        silent.stop(0);
        if (fast != null) {
            fast.stop(0);
        }
        silentThreads.shutdownNow();
    }

    @Test
    void aReceiverThatDoesNotAnswerLeavesSendersToTheOthers() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        TestSite site = TestSite.get().handle("/fairness-hooks/receiver", recordingInto(received));
        Api api = new Api(port);
        String silentUrl = "http://127.0.0.1:" + silent.getAddress().getPort() + "/hooks";
        List<String> silentJobs = new ArrayList<>();
        for (int i = 0; i < SILENT_RECEIVER_DELIVERIES; i++) {
            silentJobs.add(submit(api, "for the silent receiver " + i, silentUrl));
        }
        // Their deliveries are all due before the other receiver's.
        silentJobs.forEach(api::awaitTerminal);

        long submitted = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            submit(api, "for the answering receiver " + i, site.url("/fairness-hooks/receiver"));
        }
        while (received.size() < 5 && System.nanoTime() - submitted < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(20);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - submitted);

        // Sending to the silent receiver until its 30 deliveries were done would hold the four
        // senders for 30 / 4 x 2 s = 15 s before the others got a turn. Alone, it may take all
        // four; once they time out (2 s) it is left alone for 5 s, and the others go out.
        assertThat(received).hasSize(5);
        assertThat(waited).isLessThan(Duration.ofSeconds(6));
        assertThat(silentMostAtOnce.get()).isBetween(1, 4);
        assertThat(silentRequests.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void aSlowReceiverGetsNoMoreThanItsShareOfTheSendersWhileAnotherHasDeliveriesDue() throws Exception {
        var slowInFlight = new AtomicInteger();
        var slowMostAtOnceWhileOthersDue = new AtomicInteger();
        var slowReceived = new AtomicInteger();
        Set<String> fastReceived = ConcurrentHashMap.newKeySet();
        TestSite site = TestSite.get();
        site.handle("/fairness-hooks/slow", exchange -> {
            int atOnce = slowInFlight.incrementAndGet();
            // Counted only while the other receiver surely has deliveries due: the last of its
            // deliveries may all be claimed and on their way (up to the 4 senders) before they
            // arrive, and then none is due and this receiver may take every sender (seen once).
            if (fastReceived.size() < 20 - 4) {
                slowMostAtOnceWhileOthersDue.accumulateAndGet(atOnce, Math::max);
            }
            try {
                exchange.getRequestBody().readAllBytes();
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                slowInFlight.decrementAndGet();
            }
            slowReceived.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        Api api = new Api(port);
        // The other receiver: a server of its own, so another port.
        fast = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        fast.createContext("/hooks", recordingInto(fastReceived));
        fast.start();
        String fastUrl = "http://127.0.0.1:" + fast.getAddress().getPort() + "/hooks";
        // Both receivers' deliveries all due when the dispatcher starts looking.
        dispatcher.stop();
        try {
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                jobs.add(submit(api, "slow receiver " + i, site.url("/fairness-hooks/slow")));
                jobs.add(submit(api, "fast receiver " + i, fastUrl));
            }
            jobs.forEach(api::awaitTerminal);
        } finally {
            dispatcher.start();
        }
        long started = System.nanoTime();
        while (slowReceived.get() < 20 && System.nanoTime() - started < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(20);
        }

        assertThat(fastReceived).hasSize(20);
        assertThat(slowReceived.get()).isEqualTo(20);
        assertThat(slowMostAtOnceWhileOthersDue.get()).isBetween(1, 2);
    }

    @Test
    void aDeliveryClaimedAsTheNodeStopsIsSentAfterItsClaimRunsOut() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        TestSite site = TestSite.get().handle("/fairness-hooks/after-stop", recordingInto(received));
        Api api = new Api(port);
        dispatcher.stop();
        try {
            api.awaitTerminal(submit(api, "claimed as the node stops", site.url("/fairness-hooks/after-stop")));

            // The senders are gone: the poll claims the delivery but cannot send it.
            assertThat(dispatcher.deliverDue()).isZero();
        } finally {
            dispatcher.start();
        }

        // Its claim (twice the 2 s timeout plus a second) runs out, and the restarted dispatcher sends it.
        long restarted = System.nanoTime();
        while (received.isEmpty() && System.nanoTime() - restarted < Duration.ofSeconds(20).toNanos()) {
            Thread.sleep(50);
        }
        assertThat(received).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isGreaterThan(Duration.ofSeconds(3));
    }

    /** A receiver that notes each delivery's id and answers 204 at once. */
    private static HttpHandler recordingInto(Set<String> deliveries) {
        return exchange -> {
            deliveries.add(exchange.getRequestHeaders().getFirst("Tally-Delivery"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        };
    }

    private static String submit(Api api, String text, String callbackUrl) {
        return api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\",\"callbackUrl\":\"" + callbackUrl + "\"}")
                .json().get("id").asString();
    }
}
