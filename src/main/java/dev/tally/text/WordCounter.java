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
        int i = offset;
        if (pendingHighSurrogate != 0 && i < end) {
            char high = pendingHighSurrogate;
            pendingHighSurrogate = 0;
            if (Character.isLowSurrogate(chars[i])) {
                acceptSupplementary(high, chars[i]);
                i++;
            } else {
                endWord();
            }
        }
        char[] fastLower = WordCharacters.FAST_LOWER;
        while (i < end) {
            char c = chars[i];
            if (c < WordCharacters.FAST_PATH_LIMIT) {
                if (fastLower[c] != 0) {
                    i = appendFastRun(chars, i, end);
                    continue;
                }
                if (c == '\'') {
                    if (length > 0) {
                        pendingApostrophes++;
                    }
                    i++;
                    continue;
                }
                if (!WordCharacters.isWordChar(c)) {
                    endWord();
                    i++;
                    continue;
                }
            }
            i = acceptSlowChar(chars, i, end);
        }
    }

    /**
     * Counts UTF-8 bytes, decoding them as they are scanned: ASCII words go straight from the
     * bytes into the word buffer. Malformed input counts as U+FFFD, which separates words, as
     * {@link java.nio.charset.CodingErrorAction#REPLACE} decoding would.
     */
    void acceptUtf8(byte[] bytes, int offset, int count) {
        int end = offset + count;
        if (pendingHighSurrogate != 0) {
            // UTF-8 never yields a lone low surrogate, so a pending high one stands alone.
            pendingHighSurrogate = 0;
            endWord();
        }
        char[] fastLower = WordCharacters.FAST_LOWER;
        int i = offset;
        while (i < end) {
            int b = bytes[i];
            if (b >= 0) {
                if (fastLower[b] != 0) {
                    i = appendFastAsciiRun(bytes, i, end);
                } else {
                    if (b == '\'') {
                        if (length > 0) {
                            pendingApostrophes++;
                        }
                    } else {
                        endWord();
                    }
                    i++;
                }
                continue;
            }
            i = acceptUtf8Sequence(bytes, i, end);
        }
    }

    /** Appends the run of fast-path word chars starting at {@code i}; returns where it ends. */
    private int appendFastRun(char[] chars, int i, int end) {
        if (pendingApostrophes > 0) {
            appendPendingApostrophes();
        }
        char[] fastLower = WordCharacters.FAST_LOWER;
        char[] w = word;
        int len = length;
        int h = hash;
        while (i < end) {
            char c = chars[i];
            if (c >= WordCharacters.FAST_PATH_LIMIT) {
                break;
            }
            char lower = fastLower[c];
            if (lower == 0) {
                break;
            }
            if (len == w.length) {
                w = Arrays.copyOf(w, len * 2);
            }
            w[len++] = lower;
            h = 31 * h + lower;
            i++;
        }
        word = w;
        length = len;
        hash = h;
        return i;
    }

    /** {@link #appendFastRun} for ASCII bytes. */
    private int appendFastAsciiRun(byte[] bytes, int i, int end) {
        if (pendingApostrophes > 0) {
            appendPendingApostrophes();
        }
        char[] fastLower = WordCharacters.FAST_LOWER;
        char[] w = word;
        int len = length;
        int h = hash;
        while (i < end) {
            int b = bytes[i];
            if (b < 0) {
                break;
            }
            char lower = fastLower[b];
            if (lower == 0) {
                break;
            }
            if (len == w.length) {
                w = Arrays.copyOf(w, len * 2);
            }
            w[len++] = lower;
            h = 31 * h + lower;
            i++;
        }
        word = w;
        length = len;
        hash = h;
        return i;
    }

    /**
     * Handles the char at {@code i} that the fast path does not: apostrophes other than U+0027,
     * surrogates, and chars at or above {@link WordCharacters#FAST_PATH_LIMIT} (and U+0130).
     * Returns the index of the next char to read.
     */
    private int acceptSlowChar(char[] chars, int i, int end) {
        char c = chars[i];
        if (Character.isHighSurrogate(c)) {
            if (i + 1 == end) {
                pendingHighSurrogate = c;
                return end;
            }
            char low = chars[i + 1];
            if (Character.isLowSurrogate(low)) {
                acceptSupplementary(c, low);
                return i + 2;
            }
            endWord();
            return i + 1;
        }
        acceptBmpChar(c);
        return i + 1;
    }

    /** Counts one BMP char that is not a surrogate. */
    private void acceptBmpChar(char c) {
        char lower = WordCharacters.fastLowerCase(c);
        if (lower != 0) {
            append(lower);
        } else if (WordCharacters.isApostrophe(c)) {
            if (length > 0) {
                pendingApostrophes++;
            }
        } else if (WordCharacters.isWordChar(c)) {
            needsNormalization = true;
            append(c);
        } else {
            endWord();
        }
    }

    /**
     * Decodes the multi-byte UTF-8 sequence at {@code i} and counts its char(s); a malformed
     * sequence counts as one U+FFFD for its first byte, which, like a decoder's replacement, never
     * swallows a byte that could start a valid sequence. Returns where the next sequence starts.
     */
    private int acceptUtf8Sequence(byte[] bytes, int i, int end) {
        int b1 = bytes[i] & 0xFF;
        int remaining = end - i;
        if (b1 >= 0xC2 && b1 <= 0xDF) {
            if (remaining >= 2 && isContinuation(bytes[i + 1])) {
                acceptBmpChar((char) (((b1 & 0x1F) << 6) | (bytes[i + 1] & 0x3F)));
                return i + 2;
            }
        } else if (b1 >= 0xE0 && b1 <= 0xEF) {
            if (remaining >= 3 && isContinuation(bytes[i + 1]) && isContinuation(bytes[i + 2])) {
                int b2 = bytes[i + 1] & 0xFF;
                boolean valid = (b1 != 0xE0 || b2 >= 0xA0) && (b1 != 0xED || b2 <= 0x9F);
                if (valid) {
                    acceptBmpChar((char) (((b1 & 0x0F) << 12) | ((b2 & 0x3F) << 6) | (bytes[i + 2] & 0x3F)));
                    return i + 3;
                }
            }
        } else if (b1 >= 0xF0 && b1 <= 0xF4) {
            if (remaining >= 4 && isContinuation(bytes[i + 1]) && isContinuation(bytes[i + 2])
                    && isContinuation(bytes[i + 3])) {
                int b2 = bytes[i + 1] & 0xFF;
                boolean valid = (b1 != 0xF0 || b2 >= 0x90) && (b1 != 0xF4 || b2 <= 0x8F);
                if (valid) {
                    int codePoint = ((b1 & 0x07) << 18) | ((b2 & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6)
                            | (bytes[i + 3] & 0x3F);
                    acceptSupplementary(Character.highSurrogate(codePoint), Character.lowSurrogate(codePoint));
                    return i + 4;
                }
            }
        }
        endWord();
        return i + 1;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
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
