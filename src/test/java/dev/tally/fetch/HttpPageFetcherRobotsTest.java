package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.job.ErrorCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** robots.txt, against a real loopback server; each test gets a fresh server and fetcher (and so a fresh cache). */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpPageFetcherRobotsTest {

    private ScriptedServer server;
    private HttpPageFetcher fetcher;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedServer();
        fetcher = FetcherTestSupport.loopbackFetcher(FetcherTestSupport.politeness(true, Duration.ofSeconds(3), 4, Duration.ZERO));
    }

    @AfterEach
    void stop() throws IOException {
        fetcher.close();
        server.close();
    }

    private String fetchedBody(URI uri) throws Exception {
        return new String(fetcher.fetch(uri).body(), StandardCharsets.UTF_8);
    }

    private FetchException failure(URI uri) {
        return catchThrowableOfType(FetchException.class, () -> fetcher.fetch(uri));
    }

    @Test
    void failsWithRobotsDisallowedWhenPathIsDisallowed() throws Exception {
        server.robots("User-agent: *\nDisallow: /private\n");

        FetchException e = failure(server.uri("/private/page?token=hunter2"));

        assertThat(e.code()).isEqualTo(ErrorCode.ROBOTS_DISALLOWED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).isEqualTo("robots.txt of 127.0.0.1:" + server.port() + " disallows /private/page");
        assertThat(server.hits("/private/page")).isZero();
        assertThat(fetchedBody(server.uri("/public"))).isEqualTo("some words on /public");
    }

    @Test
    void appliesTheRulesOfTheRedirectTargetsOrigin() throws Exception {
        server.robots("User-agent: *\nDisallow: /private\n");
        server.reply("/moved", ScriptedServer.Reply.redirect("http://localhost:" + server.port() + "/private/page"));

        assertThat(failure(server.uri("/moved")).code()).isEqualTo(ErrorCode.ROBOTS_DISALLOWED);
        assertThat(server.hits("/robots.txt")).as("once per origin: 127.0.0.1 and localhost").isEqualTo(2);
        assertThat(server.hits("/private/page")).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 401, 403, 410})
    void allowsEverythingWhenRobotsTxtIsMissing(int status) throws Exception {
        server.reply("/robots.txt", ScriptedServer.Reply.text(status, "User-agent: *\nDisallow: /\n"));

        assertThat(fetchedBody(server.uri("/private"))).isEqualTo("some words on /private");
        assertThat(server.hits("/robots.txt")).isEqualTo(1);
    }

    @Test
    void matchesTheTallyUserAgentGroup() throws Exception {
        server.robots("""
                User-agent: *
                Disallow: /

                User-agent: OtherBot
                Allow: /

                User-agent: Tally
                Disallow: /private
                """);

        assertThat(fetchedBody(server.uri("/public"))).isEqualTo("some words on /public");
        assertThat(failure(server.uri("/private")).code()).isEqualTo(ErrorCode.ROBOTS_DISALLOWED);
    }

    @Test
    void cachesRobotsTxtPerOrigin() throws Exception {
        server.robots("User-agent: *\nDisallow: /private\n");

        fetcher.fetch(server.uri("/a"));
        fetcher.fetch(server.uri("/b"));
        failure(server.uri("/private"));
        assertThat(server.hits("/robots.txt")).isEqualTo(1);

        fetcher.fetch(server.uri("localhost", "/a"));
        fetcher.fetch(server.uri("localhost", "/b"));
        assertThat(server.hits("/robots.txt")).isEqualTo(2);
    }

    @Test
    void loadsRobotsTxtOnceForConcurrentFetchesOfOneOrigin() throws Exception {
        server.reply("/robots.txt", ScriptedServer.Reply.text(200, "User-agent: *\nAllow: /\n").holding(200));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<FetchedPage>> pages = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                URI uri = server.uri("/page" + i);
                pages.add(pool.submit(() -> fetcher.fetch(uri)));
            }
            for (Future<FetchedPage> page : pages) {
                assertThat(page.get(5, TimeUnit.SECONDS).body()).isNotEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.hits("/robots.txt")).isEqualTo(1);
    }

    @Test
    void followsRedirectsOfRobotsTxt() throws Exception {
        server.reply("/robots.txt", ScriptedServer.Reply.redirect("/real-robots.txt"));
        server.reply("/real-robots.txt", ScriptedServer.Reply.text(200, "User-agent: *\nDisallow: /private\n"));

        assertThat(failure(server.uri("/private")).code()).isEqualTo(ErrorCode.ROBOTS_DISALLOWED);
        assertThat(fetchedBody(server.uri("/public"))).isEqualTo("some words on /public");
        assertThat(server.hits("/real-robots.txt")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 503, 429})
    void treatsUnreachableRobotsAsRetryable(int status) {
        server.reply("/robots.txt", ScriptedServer.Reply.text(status, "down"));

        FetchException e = failure(server.uri("/page"));

        assertThat(e.code()).isEqualTo(ErrorCode.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).isEqualTo("robots.txt of 127.0.0.1:" + server.port() + " answered " + status);
        assertThat(server.hits("/page")).as("an unreachable robots.txt disallows everything for now").isZero();

        // Remembered briefly, so a burst of jobs for a site that is down asks it once.
        assertThat(failure(server.uri("/other")).retryable()).isTrue();
        assertThat(server.hits("/robots.txt")).isEqualTo(1);
    }

    @Test
    void treatsARobotsTxtThatCannotBeConnectedToAsRetryable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        FetchException e = failure(URI.create("http://127.0.0.1:" + port + "/page"));

        assertThat(e.code()).isEqualTo(ErrorCode.CONNECT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).startsWith("robots.txt of 127.0.0.1:" + port + " could not be fetched: ");
    }

    @Test
    void aRobotsTxtThatOutlastsTheFetchIsATimeoutNotAVerdict() throws IOException {
        server.reply("/robots.txt", ScriptedServer.Reply.text(200, "User-agent: *\nAllow: /\n").holding(1500));
        try (HttpPageFetcher quick = FetcherTestSupport.loopbackFetcher(
                FetcherTestSupport.politeness(true, Duration.ofMillis(500), 4, Duration.ZERO))) {
            FetchException e = catchThrowableOfType(FetchException.class, () -> quick.fetch(server.uri("/page")));

            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.retryable()).isTrue();
        }
    }

    @Test
    void ignoresRobotsWhenDisabled() throws Exception {
        server.robots("User-agent: *\nDisallow: /\n");
        try (HttpPageFetcher careless = FetcherTestSupport.loopbackFetcher(
                FetcherTestSupport.politeness(false, Duration.ofSeconds(3), 4, Duration.ZERO))) {
            assertThat(careless.fetch(server.uri("/private")).body()).isNotEmpty();
        }
        assertThat(server.hits("/robots.txt")).isZero();
    }

    @Test
    void readsOnlyTheFirst512KiBOfRobotsTxt() throws Exception {
        String padding = "# " + "x".repeat(1000) + "\n";
        server.robots("User-agent: *\nDisallow: /early\n" + padding.repeat(600) + "Disallow: /late\n");

        assertThat(failure(server.uri("/early")).code()).isEqualTo(ErrorCode.ROBOTS_DISALLOWED);
        assertThat(fetchedBody(server.uri("/late"))).isEqualTo("some words on /late");
    }

    @Test
    void usesTheCrawlDelayAsTheIntervalBetweenRequestsToTheHost() throws Exception {
        server.robots("User-agent: *\nCrawl-delay: 0.4\n");
        Duration crawlDelay = Duration.ofMillis(400);
        long before = System.nanoTime();

        fetcher.fetch(server.uri("/a"));
        fetcher.fetch(server.uri("/b"));

        List<ScriptedServer.Arrival> arrivals = server.arrivals;
        assertThat(arrivals).extracting(ScriptedServer.Arrival::path).containsExactly("/robots.txt", "/a", "/b");
        // The fetcher's own interval is zero: only the crawl delay spaces the starts. Measured from
        // before the first start, as the server sees arrivals (each some time after its start, so the
        // gap between two arrivals alone could be shorter than the delay).
        assertThat(Duration.ofNanos(arrivals.get(1).nanos() - before)).isGreaterThanOrEqualTo(crawlDelay);
        assertThat(Duration.ofNanos(arrivals.get(2).nanos() - before)).isGreaterThanOrEqualTo(crawlDelay.multipliedBy(2));
    }
}
