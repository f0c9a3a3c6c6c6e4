package dev.tally.fetch;

import dev.tally.text.DocumentType;
import java.net.URI;

/**
 * A successfully fetched page: a 2xx answer of a supported content type, body fully read. Close it
 * once counted: a large page holds part of the heap budget for pages until then
 * ({@code tally.fetch.large-page-heap-percent}).
 *
 * @param finalUrl the URL that answered, after redirects
 * @param type how the body is to be read
 * @param charset the Content-Type charset parameter, or null
 * @param body the body after decompression, at most {@code tally.fetch.max-bytes}
 * @param release gives back what the page holds of the heap budget; run by {@link #close()}
 */
public record FetchedPage(URI finalUrl, DocumentType type, String charset, byte[] body, Runnable release)
        implements AutoCloseable {

    /** A page that holds nothing of the heap budget. */
    public FetchedPage(URI finalUrl, DocumentType type, String charset, byte[] body) {
        this(finalUrl, type, charset, body, () -> { });
    }

    @Override
    public void close() {
        release.run();
    }
}
