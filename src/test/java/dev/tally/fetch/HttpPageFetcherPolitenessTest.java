package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.tally.job.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-host limits, as the site sees them: a real loopback server counts and times the requests. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpPageFetcherPolitenessTest {

    private ScriptedServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedServer();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        server.close();
    }

    private static HttpPageFetcher fetcher(boolean respectRobots, Duration timeout, int concurrency, Duration interval) {
        return FetcherTestSupport.loopbackFetcher(FetcherTestSupport.politeness(respectRobots, timeout, concurrency, interval));
    }

    private static long in(Duration duration) {
        return System.nanoTime() + duration.toNanos();
    }


    @Test
    void neverRunsMoreThanTheConcurrencyLimitAgainstOneHost() throws Exception {
        server.reply("/slow", ScriptedServer.Reply.text(200, "slow words").holding(100));
        try (HttpPageFetcher fetcher = fetcher(true, Duration.ofSeconds(10), 2, Duration.ZERO)) {
            List<Future<FetchedPage>> pages = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                pages.add(pool.submit(() -> fetcher.fetch(server.uri("/slow"))));
            }
            for (Future<FetchedPage> page : pages) {
                assertThat(page.get(10, TimeUnit.SECONDS).body()).isNotEmpty();
            }
        }
        assertThat(server.hits("/slow")).isEqualTo(12);
        assertThat(server.maxInProgress()).isEqualTo(2);
    }

    @Test
    void spacesRequestStartsToOneHost() throws Exception {
        Duration interval = Duration.ofMillis(150);
        long before;
        try (HttpPageFetcher fetcher = fetcher(true, Duration.ofSeconds(10), 4, interval)) {
            // Another host of the same server, so that the first requests below do not also pay for
            // warming up the client, which would space them out even without the interval.
            fetcher.fetch(server.uri("localhost", "/warm-up"));
            before = System.nanoTime();
            List<Future<FetchedPage>> pages = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String path = "/page" + i;
                pages.add(pool.submit(() -> fetcher.fetch(server.uri(path))));
            }
            for (Future<FetchedPage> page : pages) {
                page.get(10, TimeUnit.SECONDS);
            }
        }
        // robots.txt is a request to the host like any other, so it is spaced too.
        List<ScriptedServer.Arrival> arrivals = server.arrivals.stream().filter(a -> a.host().equals("127.0.0.1")).toList();
        assertThat(arrivals).hasSize(5);
        assertThat(arrivals.get(0).path()).isEqualTo("/robots.txt");
        // The fetcher spaces request starts; the server sees arrivals, each some time after its start.
        // So the gap between two arrivals can be shorter than the interval (the first was delayed on
        // its way, the second was not), but the n-th arrival can never come before n intervals have
        // passed since the first start, which came after "before".
        List<Long> arrived = arrivals.stream().map(ScriptedServer.Arrival::nanos).sorted().toList();
        for (int n = 1; n < arrived.size(); n++) {
            assertThat(Duration.ofNanos(arrived.get(n) - before)).as("time to arrival %d", n)
                    .isGreaterThanOrEqualTo(interval.multipliedBy(n));
        }
    }

    @Test
    void aSlotWaitRespectsTheFetchDeadline() throws Exception {
        try (HttpPageFetcher fetcher = fetcher(false, Duration.ofMillis(500), 1, Duration.ZERO);
                HostThrottle.Permit busy = fetcher.hostThrottle().acquire("127.0.0.1", 0, in(Duration.ofSeconds(10)))) {
            long start = System.nanoTime();
            FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(server.uri("/page")));

            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).isEqualTo("the page did not load within 500ms (waiting for a turn at the site)");
            // It waited for its deadline, and then gave up: the busy slot is only freed after this
            // assertion, so a wait that ignored the deadline would never end. The upper bound only
            // tells "gave up" from "hung", with room for a loaded machine to be slow.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(5));
            assertThat(server.hits("/page")).isZero();
        }
    }

    @Test
    void aBusyHostDefersTheJobInsteadOfHoldingAWorker() throws Exception {
        try (HttpPageFetcher fetcher = FetcherTestSupport.loopbackFetcher(
                        FetcherTestSupport.deferring(1, Duration.ofMillis(200)));
                HostThrottle.Permit busy = fetcher.hostThrottle().acquire("127.0.0.1", 0, in(Duration.ofSeconds(10)))) {
            long start = System.nanoTime();
            FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(server.uri("/page")));

            assertThat(e.deferral()).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2)));
            assertThat(e.retryable()).isTrue();
            // It waited its short turn (200ms) for the busy host, and far less than the fetch's 10s
            // deadline a held worker would have waited; the bound leaves room for a loaded machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(5));
            assertThat(server.hits("/page")).isZero();
        }
    }

    @Test
    void aTurnFurtherAwayThanTheDeadlineFailsAtOnce() throws Exception {
        // A deadline long enough that "failed at once" and "waited until the deadline" are seconds
        // apart, so the bound below holds on a loaded machine; the next turn lies beyond it.
        try (HttpPageFetcher fetcher = fetcher(false, Duration.ofSeconds(10), 2, Duration.ofSeconds(60))) {
            fetcher.fetch(server.uri("/first"));

            long start = System.nanoTime();
            FetchException e = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(server.uri("/second")));

            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.retryable()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(server.hits("/second")).isZero();
        }
    }

    @Test
    void interruptWhileWaitingForAHostSlotAbortsTheFetch() throws Exception {
        try (HttpPageFetcher fetcher = fetcher(true, Duration.ofSeconds(10), 1, Duration.ZERO)) {
            HostThrottle.Permit busy = fetcher.hostThrottle().acquire("127.0.0.1", 0, in(Duration.ofSeconds(10)));
            AtomicReference<Thread> worker = new AtomicReference<>();
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                worker.set(Thread.currentThread());
                try {
                    fetcher.fetch(server.uri("/page"));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }, pool);
            await().atMost(Duration.ofSeconds(5)).until(() -> FetcherTestSupport.waitsForAHostSlot(worker.get()));
            long start = System.nanoTime();
            worker.get().interrupt();

            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            // Ended by the interrupt, not by its deadline 10s away; the bound leaves room for a loaded machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(server.hits("/page")).isZero();

            // The aborted wait took no slot with it: once the host is free, fetching works.
            busy.close();
            assertThat(fetcher.fetch(server.uri("/page")).body()).isNotEmpty();
        }
    }

    @Test
    void otherHostsAreNotSlowedByABusyHost() throws Exception {
        server.reply("/hold", ScriptedServer.Reply.text(200, "held").untilGateOpens());
        // Robots off: this is about the slots, and a first request to localhost has no one to follow.
        try (HttpPageFetcher fetcher = fetcher(false, Duration.ofSeconds(10), 1, Duration.ofMillis(300))) {
            List<Future<FetchedPage>> busy = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                busy.add(pool.submit(() -> fetcher.fetch(server.uri("127.0.0.1", "/hold"))));
            }
            // 127.0.0.1's only slot is taken, by a request held until the gate opens.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.hits("/hold") == 1);

            long start = System.nanoTime();
            assertThat(fetcher.fetch(server.uri("localhost", "/page")).body()).isNotEmpty();
            // Done while every fetch of the busy host still waits. A fetch queued behind that host
            // would wait for the gate, i.e. until its 10s deadline; the bound leaves room for a loaded machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(busy).noneMatch(Future::isDone);

            server.openGate();
            for (Future<FetchedPage> page : busy) {
                page.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
