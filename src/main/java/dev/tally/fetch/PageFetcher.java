package dev.tally.fetch;

import java.net.URI;

/**
 * Fetches a page within the limits of {@link FetchProperties}, following redirects one by one and
 * refusing forbidden destinations on every hop (the address actually connected to is checked).
 * Thread-safe.
 */
public interface PageFetcher {

    /**
     * @param url an absolute http(s) URL already accepted by {@link UrlPolicy}
     * @throws FetchException with the contract's code when no page could be had
     * @throws InterruptedException when the calling thread is interrupted (e.g. job cancelled)
     */
    FetchedPage fetch(URI url) throws FetchException, InterruptedException;
}
