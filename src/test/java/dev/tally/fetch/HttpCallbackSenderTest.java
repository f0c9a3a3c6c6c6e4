package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.job.ErrorCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A webhook's answer is the receiver's status: a short reply is read so the connection serves the
 * next delivery, while a long or endless reply is never waited for (it would hold a sender until
 * the timeout and turn a delivered webhook into a failed attempt, sent again).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpCallbackSenderTest {

    private static final Map<String, String> HEADERS = Map.of("Tally-Event", "job.succeeded");
    private static final byte[] JOB = "{\"id\":\"0193a4f0-0000-7000-8000-000000000001\",\"status\":\"SUCCEEDED\"}"
            .getBytes(StandardCharsets.UTF_8);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private CountingSite receiver;
    private HttpCallbackSender sender;

    @BeforeEach
    void start() throws IOException {
        receiver = new CountingSite();
        sender = new HttpCallbackSender(FetcherTestSupport.properties(true));
    }

    @AfterEach
    void stop() throws IOException {
        sender.close();
        receiver.close();
    }

    /**
     * The system's lookup of a name whose servers never answer holds the sender 10–30 s, past the
     * delivery's own timeout: the lookup is bounded by twice the connect timeout (here 2 s) and the
     * delivery fails as DNS, to be tried again.
     */
    @Test
    void failsAsRetryableDnsAtTwiceTheConnectTimeoutWhenNameServersDoNotAnswer() throws Exception {
        DnsResolver silentNameServers = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                try {
                    Thread.sleep(20_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new UnknownHostException(host + ": no answer from the name servers");
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        long start = System.nanoTime();
        try (HttpCallbackSender unanswered = new HttpCallbackSender(FetcherTestSupport.properties(true), silentNameServers)) {
            FetchException e = catchThrowableOfType(FetchException.class,
                    () -> unanswered.post(URI.create("http://hooks.silent.test/tally"), HEADERS, JOB, Duration.ofSeconds(15)));

            assertThat(e.code()).isEqualTo(ErrorCode.DNS);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("could not be resolved: no answer within 2000 ms");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void keepsTheConnectionAfterAShortReply() throws Exception {
        receiver.answer("/hooks", 200, "Content-Type: application/json\r\n", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));

        int first = sender.post(receiver.uri("/hooks"), HEADERS, JOB, TIMEOUT);
        int second = sender.post(receiver.uri("/hooks"), HEADERS, JOB, TIMEOUT);

        assertThat(first).isEqualTo(200);
        assertThat(second).isEqualTo(200);
        assertThat(receiver.connections()).isEqualTo(1);
    }

    /** Each deadline holds its request and body: at a thousand deliveries a second, ten thousand for a 10 s timeout. */
    @Test
    void keepsNoDeadlineOfADeliveryAnswered() throws Exception {
        receiver.answer("/hooks", 204, "", new byte[0]);

        for (int i = 0; i < 20; i++) {
            assertThat(sender.post(receiver.uri("/hooks"), HEADERS, JOB, TIMEOUT)).isEqualTo(204);
        }

        assertThat(sender.pendingDeadlines()).isZero();
    }

    @Test
    void takesTheStatusOfAnEndlessReplyWithoutWaitingForItsEnd() throws Exception {
        receiver.answerEndlessly("/stream", 200, "Content-Type: application/x-ndjson\r\n");

        int status = sender.post(receiver.uri("/stream"), HEADERS, JOB, TIMEOUT);

        assertThat(status).isEqualTo(200);
    }

    @Test
    void dropsTheConnectionRatherThanReadALongReply() throws Exception {
        byte[] longPage = "<p>thank you</p>\n".repeat(2_000).getBytes(StandardCharsets.UTF_8); // 34 KB
        receiver.answer("/verbose", 202, "Content-Type: text/html\r\n", longPage);

        int first = sender.post(receiver.uri("/verbose"), HEADERS, JOB, TIMEOUT);
        int second = sender.post(receiver.uri("/verbose"), HEADERS, JOB, TIMEOUT);

        assertThat(first).isEqualTo(202);
        assertThat(second).isEqualTo(202);
        assertThat(receiver.connections()).isEqualTo(2);
    }

    @Test
    void takesTheStatusOfAReplyWhoseBodyNeverComes() throws Exception {
        receiver.answer("/late", 500, "Content-Type: text/plain\r\n", "busy".getBytes(StandardCharsets.US_ASCII), 60_000);

        int status = sender.post(receiver.uri("/late"), HEADERS, JOB, TIMEOUT);

        assertThat(status).isEqualTo(500);
    }

    /** A node's stop cannot wait for a receiver that takes its time: the send ends at once, unrecorded by the caller. */
    @Test
    void abortAllEndsASendWaitingOnItsReceiverAtOnce() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI hook = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hooks");
            CompletableFuture<Throwable> sent = CompletableFuture.supplyAsync(() ->
                    catchThrowableOfType(FetchException.class, () -> sender.post(hook, HEADERS, JOB, Duration.ofSeconds(30))));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sender.sendsUnderWay() == 1);

            long abortedAt = System.nanoTime();
            sender.abortAll();
            Throwable ended = sent.get(5, TimeUnit.SECONDS);

            assertThat(ended).isInstanceOf(FetchException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - abortedAt)).isLessThan(Duration.ofSeconds(2));
            assertThat(sender.sendsUnderWay()).isZero();
        }
    }

    /** A receiver whose name does not exist fails the delivery at once, rather than at its last attempt. */
    @Test
    void failsACallbackToAHostUnderInvalidAsDnsNotToBeRetried() {
        FetchException e = catchThrowableOfType(FetchException.class,
                () -> sender.post(URI.create("http://hooks.no-such-receiver.invalid/tally"), HEADERS, JOB, TIMEOUT));

        assertThat(e.code()).isEqualTo(ErrorCode.DNS);
        assertThat(e.retryable()).isFalse();
    }
}
