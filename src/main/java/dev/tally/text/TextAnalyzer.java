package dev.tally.text;

import java.util.Objects;
import org.jsoup.nodes.Document;
import org.jsoup.parser.Parser;

/**
 * Counts the words of a document by the rules of contract section 2. Thread-safe; one instance
 * serves every worker.
 */
public final class TextAnalyzer {

    /** Counts the words of submitted plain text. */
    public Histogram countText(CharSequence text) {
        Objects.requireNonNull(text, "text");
        WordCounter counter = new WordCounter(text.length());
        counter.accept(text);
        return counter.toHistogram();
    }

    /**
     * Counts the words of submitted text given as UTF-8, as {@link #countText} counts the same
     * text as a String, without making the String (half the heap for a large text). Malformed
     * bytes count as U+FFFD, which separates words.
     */
    public Histogram countUtf8(byte[] text) {
        Objects.requireNonNull(text, "text");
        WordCounter counter = new WordCounter(text.length);
        counter.acceptUtf8(text, 0, text.length);
        return counter.toHistogram();
    }

    /**
     * Decodes and counts a fetched body.
     *
     * <p>The encoding is a byte-order mark's, else {@code declaredCharset} if Java knows it, else
     * for HTML the one a {@code <meta>} element names, else UTF-8. Invalid bytes become U+FFFD,
     * which separates words; decoding never fails.
     *
     * @param body the bytes as received (already decompressed)
     * @param type how to read them
     * @param declaredCharset the {@code charset} parameter of the Content-Type header, or null;
     *     a byte-order mark wins over it, and for HTML it wins over {@code <meta charset>}
     */
    public Histogram countDocument(byte[] body, DocumentType type, String declaredCharset) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(type, "type");
        BodyCharset charset = BodyCharset.detect(body, type, declaredCharset);
        // Markup is most of an HTML page's bytes; a page's words are about a third of them.
        WordCounter counter = new WordCounter(type == DocumentType.HTML ? body.length / 3 : body.length);
        switch (type) {
            case HTML -> {
                Document document = Parser.htmlParser().parseInput(charset.decode(body), "");
                HtmlTextExtractor.extract(document, counter);
            }
            case PLAIN_TEXT -> charset.decodeInto(body, counter);
        }
        return counter.toHistogram();
    }
}
