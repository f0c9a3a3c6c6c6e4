package dev.tally.text;

import java.nio.CharBuffer;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Splits text into words and counts them in a single streaming pass (contract section 2).
 *
 * <p>Text may arrive in any number of {@link #accept} chunks: a word (or a surrogate pair) that
 * spans two chunks is still one word, which is what lets an HTML walk feed the text of inline
 * elements piece by piece. {@link #boundary()} ends the current word without any text, for block
 * boundaries. Not thread-safe: use one counter per document.
 *
 * <p>The current word is collected in a reusable buffer with its hash computed as it grows, and
 * looked up in a {@link WordTable} straight from the buffer, so only new words allocate. Words
 * made only of chars below U+0300 are lower-cased by table as they go; other words are
 * NFC-normalized and lower-cased as a String when they end.
 */
final class WordCounter {

    private static final int CHUNK_SIZE = 8192;

    private final WordTable table = new WordTable();

    private char[] word = new char[64];
    private int length;
    private int hash;
    /** Whether the current word holds chars that the table lookup cannot lower-case. */
    private boolean needsNormalization;
    /** Apostrophes after the current word, kept only if another word character follows. */
    private int pendingApostrophes;
    /** A high surrogate that ended the previous chunk, waiting for its low half; 0 if none. */
    private char pendingHighSurrogate;
    private char[] chunk;

    /** Counts the words in {@code text}, continuing the word the previous chunk ended with. */
    void accept(CharSequence text) {
        if (text instanceof CharBuffer buffer && buffer.hasArray()) {
            accept(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            return;
        }
        // Copy into a char[] so that the scanning loop sees one concrete type, whatever arrives.
        if (chunk == null) {
            chunk = new char[CHUNK_SIZE];
        }
        int textLength = text.length();
        for (int start = 0; start < textLength; start += CHUNK_SIZE) {
            int end = Math.min(textLength, start + CHUNK_SIZE);
            copy(text, start, end, chunk);
            accept(chunk, 0, end - start);
        }
    }

    /** Counts the words in {@code chars[offset, offset + count)}, like {@link #accept(CharSequence)}. */
    void accept(char[] chars, int offset, int count) {
        int end = offset + count;
        for (int i = offset; i < end; i++) {
            char c = chars[i];
            if (pendingHighSurrogate != 0) {
                char high = pendingHighSurrogate;
                pendingHighSurrogate = 0;
                if (Character.isLowSurrogate(c)) {
                    acceptSupplementary(high, c);
                    continue;
                }
                endWord();
            }
            char lower = WordCharacters.fastLowerCase(c);
            if (lower != 0) {
                append(lower);
            } else if (WordCharacters.isApostrophe(c)) {
                if (length > 0) {
                    pendingApostrophes++;
                }
            } else if (Character.isHighSurrogate(c)) {
                pendingHighSurrogate = c;
            } else if (WordCharacters.isWordChar(c)) {
                needsNormalization = true;
                append(c);
            } else {
                endWord();
            }
        }
    }

    /** Ends the current word, as a block boundary or the end of the text does. */
    void boundary() {
        pendingHighSurrogate = 0;
        endWord();
    }

    /** Ends counting and returns the histogram; the counter must not be used afterwards. */
    Histogram toHistogram() {
        boundary();
        return table.toHistogram();
    }

    private void acceptSupplementary(char high, char low) {
        if (WordCharacters.isWordCodePoint(Character.toCodePoint(high, low))) {
            needsNormalization = true;
            append(high);
            append(low);
        } else {
            endWord();
        }
    }

    private void append(char c) {
        if (pendingApostrophes > 0) {
            appendPendingApostrophes();
        }
        if (length == word.length) {
            word = Arrays.copyOf(word, length * 2);
        }
        word[length++] = c;
        hash = WordTable.extendHash(hash, c);
    }

    private void appendPendingApostrophes() {
        int apostrophes = pendingApostrophes;
        pendingApostrophes = 0;
        for (int i = 0; i < apostrophes; i++) {
            // U+2019 is stored as U+0027, so both spellings of "don't" are one word.
            append('\'');
        }
    }

    private void endWord() {
        pendingApostrophes = 0;
        if (length == 0) {
            return;
        }
        if (needsNormalization) {
            String raw = new String(word, 0, length);
            table.add(Normalizer.normalize(raw, Normalizer.Form.NFC).toLowerCase(Locale.ROOT));
        } else {
            table.add(word, length, hash);
        }
        length = 0;
        hash = 0;
        needsNormalization = false;
    }

    private static void copy(CharSequence text, int start, int end, char[] destination) {
        if (text instanceof String string) {
            string.getChars(start, end, destination, 0);
        } else if (text instanceof StringBuilder builder) {
            builder.getChars(start, end, destination, 0);
        } else {
            for (int i = start; i < end; i++) {
                destination[i - start] = text.charAt(i);
            }
        }
    }
}
