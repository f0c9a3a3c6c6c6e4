package dev.tally.text;

/**
 * Counts the words of a document by the rules of contract section 2. Thread-safe; one instance
 * serves every worker.
 */
public final class TextAnalyzer {

    /** Counts the words of submitted plain text. */
    public Histogram countText(CharSequence text) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Decodes and counts a fetched body.
     *
     * @param body the bytes as received (already decompressed)
     * @param type how to read them
     * @param declaredCharset the {@code charset} parameter of the Content-Type header, or null;
     *     a byte-order mark wins over it, and for HTML it wins over {@code <meta charset>}
     */
    public Histogram countDocument(byte[] body, DocumentType type, String declaredCharset) {
        throw new UnsupportedOperationException("TODO");
    }
}
