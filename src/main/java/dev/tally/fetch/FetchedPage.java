package dev.tally.fetch;

import dev.tally.text.DocumentType;
import java.net.URI;

/**
 * A successfully fetched page: a 2xx answer of a supported content type, body fully read.
 *
 * @param finalUrl the URL that answered, after redirects
 * @param type how the body is to be read
 * @param charset the Content-Type charset parameter, or null
 * @param body the body after decompression, at most {@code tally.fetch.max-bytes}
 */
public record FetchedPage(URI finalUrl, DocumentType type, String charset, byte[] body) {
}
