package dev.tally.fetch;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Times every fetch of a page by its outcome, and sizes the pages fetched, so that an operator
 * sees how long the sites take apart from the counting ({@code tally.job.attempts} times both).
 * A fetch's time runs from its start to the page read in full or the failure: the robots.txt
 * lookup and any wait for a turn at the host are part of it.
 */
final class TimedPageFetcher implements PageFetcher, AutoCloseable {

    static final String FETCHES = "tally.fetch.pages";
    static final String PAGE_SIZES = "tally.fetch.page.size";

    private final HttpPageFetcher fetcher;
    private final Meter.MeterProvider<Timer> timers;
    private final DistributionSummary pageSizes;

    TimedPageFetcher(HttpPageFetcher fetcher, MeterRegistry meters) {
        this.fetcher = fetcher;
        this.timers = Timer.builder(FETCHES).description("page fetches by outcome and error code")
                .withRegistry(meters);
        this.pageSizes = DistributionSummary.builder(PAGE_SIZES).description("bodies of the pages fetched, after decompression")
                .baseUnit("bytes")
                .register(meters);
    }

    @Override
    public FetchedPage fetch(URI url) throws FetchException, InterruptedException {
        long start = System.nanoTime();
        // What escapes unchecked (a closed fetcher, a bug) is timed as "error".
        String outcome = "error";
        String error = "none";
        try {
            FetchedPage page = fetcher.fetch(url);
            outcome = "fetched";
            pageSizes.record(page.body().length);
            return page;
        } catch (FetchException e) {
            outcome = e.deferral().isPresent() ? "deferred" : "failed";
            error = e.code().name();
            throw e;
        } catch (InterruptedException e) {
            outcome = "interrupted";
            throw e;
        } finally {
            timers.withTags("outcome", outcome, "error", error).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() throws IOException {
        fetcher.close();
    }
}
