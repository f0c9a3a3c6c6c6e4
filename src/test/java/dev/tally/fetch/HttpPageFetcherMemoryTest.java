package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tally.job.ErrorCode;
import dev.tally.memory.HeapBudget;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The heap budget for large pages, against a real HTTP server on loopback. Here pages above
 * 16 KiB are large, and the budget (500 KiB) holds one 48 KiB page (8 × 48 = 384 KiB), not two.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpPageFetcherMemoryTest {

    private static final long KIB = 1024;
    private static final long ONE_PAGE = HttpPageFetcher.PAGE_WEIGHT * TestServer.LARGE_PAGE_BYTES;

    private TestServer server;
    private HeapBudget budget;
    private HttpPageFetcher fetcher;

    @BeforeEach
    void start() throws IOException {
        server = new TestServer();
        budget = new HeapBudget(500 * KIB, 16 * KIB, HttpPageFetcher.PAGE_WEIGHT);
        fetcher = fetcher(FetcherTestSupport.properties(true));
    }

    @AfterEach
    void stop() throws IOException {
        fetcher.close();
        server.close();
    }

    private HttpPageFetcher fetcher(FetchProperties properties) {
        return new HttpPageFetcher(properties, new AddressPolicy(true), SystemDefaultDnsResolver.INSTANCE, budget);
    }

    @Test
    void smallPageTakesNothingFromTheBudget() throws Exception {
        try (FetchedPage page = fetcher.fetch(server.uri("/html"))) {
            assertThat(page.body()).isNotEmpty();
            assertThat(budget.reservedBytes()).isZero();
        }
    }

    @Test
    void largePageHoldsEightTimesItsSizeUntilClosed() throws Exception {
        FetchedPage page = fetcher.fetch(server.uri("/large"));

        assertThat(page.body()).hasSize(TestServer.LARGE_PAGE_BYTES);
        assertThat(budget.reservedBytes()).isEqualTo(ONE_PAGE);
        page.close();
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void largePageWaitsUntilAnotherLargePageIsClosed() throws Exception {
        FetchedPage first = fetcher.fetch(server.uri("/large"));
        AtomicReference<Thread> worker = new AtomicReference<>();
        CompletableFuture<FetchedPage> second = CompletableFuture.supplyAsync(() -> {
            worker.set(Thread.currentThread());
            try {
                return fetcher.fetch(server.uri("/large"));
            } catch (FetchException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> FetcherTestSupport.isInside(worker.get(), HeapBudget.class, "reserve"));
        assertThat(second).isNotDone();
        first.close();

        try (FetchedPage page = second.get(5, TimeUnit.SECONDS)) {
            assertThat(page.body()).hasSize(TestServer.LARGE_PAGE_BYTES);
            assertThat(budget.reservedBytes()).isEqualTo(ONE_PAGE);
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void largePageGoesBackToTheQueueWhenNoRoomFreesUpSoon() throws Exception {
        try (HttpPageFetcher impatient = fetcher(FetcherTestSupport.deferring(4, Duration.ofMillis(300)));
             FetchedPage first = impatient.fetch(server.uri("/large"))) {

            assertThatThrownBy(() -> impatient.fetch(server.uri("/large")))
                    .isInstanceOfSatisfying(FetchException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.deferral()).hasValueSatisfying(after -> assertThat(after).isBetween(
                                Duration.ofSeconds(1), Duration.ofSeconds(2)));
                    });
            assertThat(budget.reservedBytes()).as("only the first page's room").isEqualTo(ONE_PAGE);
            assertThat(first.body()).hasSize(TestServer.LARGE_PAGE_BYTES);
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void bodyWithoutDeclaredLengthReservesOnceItGrowsLarge() throws Exception {
        try (FetchedPage page = fetcher.fetch(server.uri("/large-chunked"))) {
            assertThat(page.body()).hasSize(TestServer.LARGE_PAGE_BYTES);
            // Reserved for the size limit (64 KiB, clamped to the budget) while reading, then cut down.
            assertThat(budget.reservedBytes()).isEqualTo(ONE_PAGE);
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void compressedBodyIsWeighedByItsDecompressedSize() throws Exception {
        // Its Content-Length (a few hundred bytes) is not the size of what the page takes.
        try (FetchedPage page = fetcher.fetch(server.uri("/large-gzip"))) {
            assertThat(page.body()).hasSize(TestServer.LARGE_PAGE_BYTES);
            assertThat(budget.reservedBytes()).isEqualTo(ONE_PAGE);
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void givesTheRoomBackWhenTheBodyTurnsOutTooLarge() {
        assertThatThrownBy(() -> fetcher.fetch(server.uri("/one-over-max-chunked")))
                .isInstanceOfSatisfying(FetchException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));

        assertThat(budget.reservedBytes()).isZero();
    }
}
