package dev.tally.text;

import java.util.Optional;

/** How a fetched body is read: as HTML (what a reader sees) or as plain text. */
public enum DocumentType {
    HTML,
    PLAIN_TEXT;

    /**
     * Maps a {@code Content-Type} header value to a document type, per the contract:
     * {@code text/html} and {@code application/xhtml+xml} are HTML, any other {@code text/*} is
     * plain text, anything else (or a missing/blank header) is unsupported.
     *
     * @param contentType the raw header value, parameters allowed, may be null
     */
    public static Optional<DocumentType> fromContentType(String contentType) {
        throw new UnsupportedOperationException("TODO");
    }
}
