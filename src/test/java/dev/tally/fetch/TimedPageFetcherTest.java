package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What operators see of the fetches apart from the counting: each fetch timed in {@code
 * tally.fetch.pages} by outcome and error code, each page's size in {@code tally.fetch.page.size}.
 * Against a real HTTP server on loopback.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TimedPageFetcherTest {

    private static TestServer server;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void timesAFetchedPageAndRecordsItsSize() throws Exception {
        try (TimedPageFetcher fetcher = timed(FetcherTestSupport.properties(true))) {
            try (FetchedPage page = fetcher.fetch(server.uri("/html"))) {
                assertThat(page.body()).hasSize(TestServer.HTML.getBytes(StandardCharsets.ISO_8859_1).length);
            }
        }

        assertThat(fetches("fetched", "none").count()).isEqualTo(1);
        DistributionSummary sizes = meters.get(TimedPageFetcher.PAGE_SIZES).summary();
        assertThat(sizes.count()).isEqualTo(1);
        assertThat(sizes.totalAmount()).isEqualTo(TestServer.HTML.getBytes(StandardCharsets.ISO_8859_1).length);
    }

    @Test
    void timesAFailedFetchWithItsErrorCode() throws Exception {
        try (TimedPageFetcher fetcher = timed(FetcherTestSupport.properties(true))) {
            assertThatThrownBy(() -> fetcher.fetch(server.uri("/status/404"))).isInstanceOf(FetchException.class);
            assertThatThrownBy(() -> fetcher.fetch(server.uri("/pdf"))).isInstanceOf(FetchException.class);
        }

        assertThat(fetches("failed", "HTTP_STATUS").count()).isEqualTo(1);
        assertThat(fetches("failed", "UNSUPPORTED_CONTENT_TYPE").count()).isEqualTo(1);
        assertThat(meters.get(TimedPageFetcher.PAGE_SIZES).summary().count()).isZero();
    }

    @Test
    void timesAFetchRefusedForAForbiddenDestinationAsFailed() throws Exception {
        try (TimedPageFetcher fetcher = timed(FetcherTestSupport.properties(false))) {
            assertThatThrownBy(() -> fetcher.fetch(server.uri("/never-reached"))).isInstanceOf(FetchException.class);
        }

        assertThat(fetches("failed", "FORBIDDEN_DESTINATION").count()).isEqualTo(1);
        assertThat(server.paths).doesNotContain("/never-reached");
    }

    @Test
    void timesAFetchDeferredByABusyHostWithTheWaitItTook() throws Exception {
        HttpPageFetcher inner = FetcherTestSupport.loopbackFetcher(FetcherTestSupport.deferring(1, Duration.ofMillis(200)));
        try (TimedPageFetcher fetcher = new TimedPageFetcher(inner, meters);
                HostThrottle.Permit busy = inner.hostThrottle().acquire("127.0.0.1", 0, System.nanoTime() + Duration.ofSeconds(10).toNanos())) {
            assertThatThrownBy(() -> fetcher.fetch(server.uri("/deferred"))).isInstanceOf(FetchException.class);
        }

        Timer deferred = fetches("deferred", "TIMEOUT");
        assertThat(deferred.count()).isEqualTo(1);
        // The 200 ms it waited for a turn at the host are part of the fetch's time.
        assertThat(deferred.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(150);
    }

    @Test
    void timesAnInterruptedFetch() throws Exception {
        try (TimedPageFetcher fetcher = timed(FetcherTestSupport.properties(true))) {
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> fetcher.fetch(server.uri("/html"))).isInstanceOf(InterruptedException.class);
            } finally {
                Thread.interrupted();
            }
        }

        assertThat(fetches("interrupted", "none").count()).isEqualTo(1);
    }

    @Test
    void closesTheFetcherItTimes() throws Exception {
        TimedPageFetcher fetcher = timed(FetcherTestSupport.properties(true));
        fetcher.close();

        assertThatThrownBy(() -> fetcher.fetch(server.uri("/html")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the page fetcher is closed");
        assertThat(fetches("error", "none").count()).isEqualTo(1);
    }

    private TimedPageFetcher timed(FetchProperties properties) {
        return new TimedPageFetcher(new HttpPageFetcher(properties), meters);
    }

    private Timer fetches(String outcome, String error) {
        return meters.get(TimedPageFetcher.FETCHES).tags("outcome", outcome, "error", error).timer();
    }
}
