package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tally.job.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fetcher keeps its connection to a site after an answer it does not want (a redirect, an
 * error page, a type it cannot count) when that answer's body is small and has arrived, so that a
 * site is not sent a reset and a new handshake for each; a large unwanted body is never drained.
 * robots.txt is asked for first (a 404 here), on the same connection.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpPageFetcherConnectionReuseTest {

    private static final byte[] PAGE = "<html><body><p>the words of a page</p></body></html>".getBytes(StandardCharsets.UTF_8);

    private CountingSite site;
    private HttpPageFetcher fetcher;

    @BeforeEach
    void start() throws IOException {
        site = new CountingSite().answer("/page", 200, "Content-Type: text/html\r\n", PAGE);
        fetcher = new HttpPageFetcher(FetcherTestSupport.properties(true));
    }

    @AfterEach
    void stop() throws IOException {
        fetcher.close();
        site.close();
    }

    @Test
    void followsARedirectOnTheSameConnection() throws Exception {
        site.answer("/old", 301, "Location: /page\r\nContent-Type: text/html\r\n",
                "<p>moved to <a href=\"/page\">/page</a></p>".getBytes(StandardCharsets.UTF_8));

        try (FetchedPage page = fetcher.fetch(site.uri("/old"))) {
            assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("the words of a page");
        }
        assertThat(site.connections()).isEqualTo(1);
    }

    @Test
    void keepsTheConnectionAfterAnErrorPage() throws Exception {
        FetchException missing = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(site.uri("/missing")));
        fetcher.fetch(site.uri("/page")).close();

        assertThat(missing.code()).isEqualTo(ErrorCode.HTTP_STATUS);
        assertThat(site.connections()).isEqualTo(1);
    }

    @Test
    void keepsTheConnectionAfterATypeItCannotCount() throws Exception {
        site.answer("/report.pdf", 200, "Content-Type: application/pdf\r\n", "%PDF-1.7 tiny".getBytes(StandardCharsets.US_ASCII));

        FetchException refused = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(site.uri("/report.pdf")));
        fetcher.fetch(site.uri("/page")).close();

        assertThat(refused.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT_TYPE);
        assertThat(site.connections()).isEqualTo(1);
    }

    @Test
    void waitsBrieflyForTheBodyOfAnErrorPageWrittenApartFromItsHead() throws Exception {
        site.answer("/gone", 410, "Content-Type: text/html\r\n", "<p>gone for good</p>".getBytes(StandardCharsets.UTF_8), 20);

        FetchException gone = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(site.uri("/gone")));
        fetcher.fetch(site.uri("/page")).close();

        assertThat(gone.code()).isEqualTo(ErrorCode.HTTP_STATUS);
        assertThat(site.connections()).isEqualTo(1);
    }

    @Test
    void doesNotWaitLongForTheBodyOfAnErrorPage() throws Exception {
        site.answer("/stalling", 404, "Content-Type: text/html\r\n", "<p>late</p>".getBytes(StandardCharsets.UTF_8), 5_000);

        long start = System.nanoTime();
        FetchException missing = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(site.uri("/stalling")));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        fetcher.fetch(site.uri("/page")).close();

        assertThat(missing.code()).isEqualTo(ErrorCode.HTTP_STATUS);
        assertThat(millis).as("the 404 reported without waiting for its body").isLessThan(2_000);
        assertThat(site.connections()).isEqualTo(2);
    }

    @Test
    void dropsTheConnectionRatherThanReadALargeErrorBody() throws Exception {
        site.answer("/huge-error", 500, "Content-Type: text/html\r\n", new byte[HttpPageFetcher.DISCARD_MAX_BYTES + 1]);

        FetchException failed = catchThrowableOfType(FetchException.class, () -> fetcher.fetch(site.uri("/huge-error")));
        fetcher.fetch(site.uri("/page")).close();

        assertThat(failed.code()).isEqualTo(ErrorCode.HTTP_STATUS);
        assertThat(site.connections()).isEqualTo(2);
    }
}
