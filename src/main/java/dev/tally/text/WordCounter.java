package dev.tally.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * <p>The counter works on UTF-8: chars are encoded into a reusable buffer first, but for a String
 * of up to 8,192 chars (an HTML text node), which the JDK's own encoder turns into a new array.
 * Input is read 64 bytes at a time as a bitmask of separators ({@link AsciiBlock#separators}); an
 * ASCII word of up to sixteen bytes between two separators (nearly every word of English text) is
 * counted straight from the input, its key made by the {@link WordTable}'s form. Short input, the
 * ends of chunks and any other word are scanned byte by byte, eight bytes at a time where they can
 * be: a word with non-ASCII chars or apostrophes, or one cut by the end of a chunk, is collected,
 * as lower-cased UTF-8, in a reusable word buffer: chars below U+0300 are lower-cased by table as
 * they go; a word with other word chars is NFC-normalized and lower-cased as a String when it ends.
 */
final class WordCounter {

    /** Chars encoded to UTF-8 at a time. */
    private static final int CHUNK_CHARS = 8192;
    /** An ASCII run shorter than this sends the encoding char by char for as many chars. */
    private static final int ASCII_RUN = 16;
    /** Bytes the 64-byte block loop needs ahead: the block and the two-block read of a word ending in it. */
    private static final int BLOCK_REACH = Long.SIZE + 2 * Long.BYTES;
    /**
     * For a word of {@code n} bytes, {@code n} up to 16, the masks of its bytes in its first and
     * second block at {@code [2n]} and {@code [2n + 1]}; all ones for 17 (a longer word).
     */
    private static final long[] WORD_MASKS = new long[2 * (2 * Long.BYTES + 2)];
    /** Lower case of each ASCII word character; 0 for every other byte. */
    private static final byte[] ASCII_LOWER = new byte[128];

    static {
        for (int n = 1; n <= 2 * Long.BYTES + 1; n++) {
            WORD_MASKS[2 * n] = AsciiBlock.lowBytes(Math.min(n, Long.BYTES));
            WORD_MASKS[2 * n + 1] = n <= Long.BYTES ? 0 : AsciiBlock.lowBytes(Math.min(n - Long.BYTES, Long.BYTES));
        }
        for (char c = 0; c < ASCII_LOWER.length; c++) {
            ASCII_LOWER[c] = (byte) WordCharacters.FAST_LOWER[c];
        }
    }

    private final WordTable table;

    /** The current word as lower-cased UTF-8, with room for a whole block past its end. */
    private byte[] word = new byte[64];
    private int length;
    /** Whether the current word holds chars that must be NFC-normalized and lower-cased at its end. */
    private boolean needsNormalization;
    /** Apostrophes after the current word, kept only if another word character follows. */
    private int pendingApostrophes;
    /** A high surrogate that ended the previous chunk, waiting for its low half; 0 if none. */
    private char pendingHighSurrogate;
    private char[] chars;
    private byte[] encoded;
    /** Encodes runs of ASCII chars into {@link #encoded}, through these views of the arrays. */
    private CharsetEncoder asciiEncoder;
    private CharBuffer asciiIn;
    private ByteBuffer asciiOut;

    WordCounter() {
        this(0);
    }

    /**
     * A counter for a text of about {@code expectedBytes} bytes (or chars), which sizes its word
     * table for the distinct words such a text has by Heaps' law: 20 times the square root of its
     * length (the 17.6 MB test corpus has 117,000 distinct words, 28 times the root), so that a
     * large text does not fill and copy every smaller table first; a table still grows if needed.
     */
    WordCounter(int expectedBytes) {
        table = new WordTable((int) (20 * Math.sqrt(Math.max(expectedBytes, 0))));
    }

    /** Counts the words in {@code text}, continuing the word the previous chunk ended with. */
    void accept(CharSequence text) {
        if (text instanceof CharBuffer buffer && buffer.hasArray()) {
            accept(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            return;
        }
        if (text instanceof String string && string.length() <= CHUNK_CHARS && wholeSurrogatePairs(string)) {
            // An HTML page's text nodes: the JDK's own encoding of a String, a copy for one of
            // ASCII, costs less than widening it to chars and encoding those. A lone surrogate
            // becomes '?', which separates words as U+FFFD does.
            byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
            scan(bytes, 0, bytes.length);
            return;
        }
        if (chars == null) {
            chars = new char[CHUNK_CHARS];
        }
        int textLength = text.length();
        for (int start = 0; start < textLength; start += CHUNK_CHARS) {
            int end = Math.min(textLength, start + CHUNK_CHARS);
            copy(text, start, end, chars);
            accept(chars, 0, end - start);
        }
    }

    /**
     * Whether {@code string} neither ends in a high surrogate nor completes one the previous
     * chunk ended with: a pair split across chunks must be joined char by char.
     */
    private boolean wholeSurrogatePairs(String string) {
        return pendingHighSurrogate == 0 && (string.isEmpty() || !Character.isHighSurrogate(string.charAt(string.length() - 1)));
    }

    /** Counts the words in {@code text[offset, offset + count)}, like {@link #accept(CharSequence)}. */
    void accept(char[] text, int offset, int count) {
        if (encoded == null) {
            // Three bytes per char at most (a surrogate pair is four for two), a block of padding.
            encoded = new byte[3 * CHUNK_CHARS + Long.BYTES];
        }
        byte[] out = encoded;
        int end = offset + count;
        int i = offset;
        while (i < end) {
            int j = 0;
            if (pendingHighSurrogate != 0) {
                char high = pendingHighSurrogate;
                pendingHighSurrogate = 0;
                j = Character.isLowSurrogate(text[i]) ? encodePair(high, text[i++], out, 0) : encodeReplacement(out, 0);
            }
            int stop = Math.min(end, i + CHUNK_CHARS);
            int charByChar = i;
            while (i < stop) {
                if (i >= charByChar && stop - i >= ASCII_RUN) {
                    int run = encodeAscii(text, i, stop, j);
                    i += run;
                    j += run;
                    if (run < ASCII_RUN) {
                        // Little ASCII here: encode the next chars one by one before trying again.
                        charByChar = i + ASCII_RUN;
                    }
                    if (i == stop) {
                        break;
                    }
                }
                char c = text[i];
                if (c < 0x80) {
                    out[j++] = (byte) c;
                    i++;
                } else if (c < 0x800) {
                    out[j++] = (byte) (0xC0 | c >> 6);
                    out[j++] = (byte) (0x80 | c & 0x3F);
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    j = encodeThreeBytes(c, out, j);
                    i++;
                } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
                    j = encodePair(c, text[i + 1], out, j);
                    i += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 == end) {
                    pendingHighSurrogate = c;
                    i++;
                } else {
                    // A lone surrogate separates words, as U+FFFD does.
                    j = encodeReplacement(out, j);
                    i++;
                }
            }
            scan(out, 0, j);
        }
    }

    /**
     * Copies the run of ASCII chars at {@code text[from, stop)} to {@code encoded} at {@code to};
     * returns its length. The JDK's US-ASCII encoder does this with vector instructions and stops
     * at the first other char, which the caller then encodes.
     */
    private int encodeAscii(char[] text, int from, int stop, int to) {
        if (asciiEncoder == null) {
            asciiEncoder = StandardCharsets.US_ASCII.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            asciiOut = ByteBuffer.wrap(encoded);
        }
        if (asciiIn == null || asciiIn.array() != text) {
            asciiIn = CharBuffer.wrap(text);
        }
        asciiIn.limit(stop).position(from);
        asciiOut.limit(encoded.length).position(to);
        asciiEncoder.encode(asciiIn, asciiOut, false);
        return asciiIn.position() - from;
    }

    /**
     * Counts UTF-8 bytes, decoding them as they are scanned. Malformed input counts as U+FFFD,
     * which separates words, as {@link java.nio.charset.CodingErrorAction#REPLACE} decoding would.
     */
    void acceptUtf8(byte[] bytes, int offset, int count) {
        if (pendingHighSurrogate != 0) {
            // UTF-8 never yields a lone low surrogate, so a pending high one stands alone.
            pendingHighSurrogate = 0;
            endWord();
        }
        scan(bytes, offset, offset + count);
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

    private void scan(byte[] bytes, int from, int end) {
        int i = from;
        if (length > 0) {
            // Finish the word in progress: it ends at the first separator.
            int separator = i;
            while (separator < end && !isSeparator(bytes[separator])) {
                separator++;
            }
            scanBytes(bytes, i, separator);
            if (separator == end) {
                return;
            }
            endWord();
            i = separator;
        }
        i = countBlocks(bytes, i, end);
        scanBytes(bytes, i, end);
    }

    private static boolean isSeparator(int b) {
        return b >= 0 && ASCII_LOWER[b] == 0 && b != '\'';
    }

    /**
     * Counts the words of {@code bytes[i, end)} 64 bytes at a time, while no word is being
     * collected: separators split the bytes into segments; a segment of ASCII word characters only
     * is a word, counted straight from the input; any other (with apostrophes or UTF-8 sequences,
     * about one in a hundred in English text) goes through the byte-by-byte scan. Returns where
     * that scan must take over: at the segment still open when fewer than {@link #BLOCK_REACH}
     * bytes are left, or at the next block.
     */
    private int countBlocks(byte[] bytes, int i, int end) {
        int open = -1;
        long carry = 0;
        while (end - i >= BLOCK_REACH) {
            long member = ~AsciiBlock.separators(bytes, i);
            long before = member << 1 | carry;
            long starts = member & ~before;
            long ends = ~member & before;
            carry = member >>> 63;
            if (open < 0) {
                if (starts == 0) {
                    i += Long.SIZE;
                    continue;
                }
                open = i + Long.numberOfTrailingZeros(starts);
                starts &= starts - 1;
            }
            while (ends != 0) {
                countSegment(bytes, open, i + Long.numberOfTrailingZeros(ends));
                ends &= ends - 1;
                if (starts == 0) {
                    open = -1;
                    break;
                }
                open = i + Long.numberOfTrailingZeros(starts);
                starts &= starts - 1;
            }
            i += Long.SIZE;
        }
        return open >= 0 ? open : i;
    }

    /**
     * Counts the segment {@code bytes[start, end)}, which separators enclose. Kept small, the
     * common case only (a plain ASCII word of up to two blocks), so that the JIT inlines it into
     * the block loop; the blocks are masked by table, without branches, as word lengths are
     * unpredictable.
     */
    private void countSegment(byte[] bytes, int start, int end) {
        int wordLength = end - start;
        int masks = 2 * Math.min(wordLength, 2 * Long.BYTES + 1);
        long firstMask = WORD_MASKS[masks];
        long secondMask = WORD_MASKS[masks + 1];
        long first = AsciiBlock.read(bytes, start) & firstMask;
        long second = AsciiBlock.read(bytes, start + Long.BYTES) & secondMask;
        if (wordLength <= 2 * Long.BYTES && AsciiBlock.plainWords(first, second)) {
            table.addShort(AsciiBlock.plainTableForm(first, firstMask), AsciiBlock.plainTableForm(second, secondMask));
        } else {
            countOtherSegment(bytes, start, end);
        }
    }

    /** Counts a segment longer than two blocks or one that is not a plain ASCII word. */
    private void countOtherSegment(byte[] bytes, int start, int end) {
        int wordLength = end - start;
        if (plainWord(bytes, start, wordLength)) {
            table.add(bytes, start, wordLength);
        } else {
            scanBytes(bytes, start, end);
            endWord();
        }
    }

    private static boolean plainWord(byte[] bytes, int start, int wordLength) {
        int i = 0;
        for (; wordLength - i > Long.BYTES; i += Long.BYTES) {
            if (!AsciiBlock.plainWords(AsciiBlock.read(bytes, start + i), 0)) {
                return false;
            }
        }
        return AsciiBlock.plainWords(AsciiBlock.read(bytes, start + i) & AsciiBlock.lowBytes(wordLength - i), 0);
    }

    private void scanBytes(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end) {
            if (length == 0 && end - i >= Long.BYTES) {
                int next = countAsciiWords(bytes, i, end);
                if (next != i) {
                    i = next;
                    continue;
                }
            }
            int b = bytes[i];
            if (b >= 0) {
                if (ASCII_LOWER[b] != 0) {
                    i = length == 0 ? countAsciiWord(bytes, i, end) : appendAsciiRun(bytes, i, end);
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
            } else {
                i = acceptUtf8Sequence(bytes, i, end);
            }
        }
    }

    /**
     * Counts ASCII words straight from the input, a block at a time, while no word is being
     * collected: each short word that ends inside the block it starts in is counted from that
     * block alone, and separators (and apostrophes, which cannot start a word) are skipped.
     * Returns where the byte-by-byte scan must take over: at a non-ASCII byte, at a word that
     * continues into the word buffer, or in the chunk's last block.
     */
    private int countAsciiWords(byte[] bytes, int i, int end) {
        while (end - i >= Long.BYTES) {
            long block = AsciiBlock.read(bytes, i);
            long nonWord = AsciiBlock.nonWordBytes(block);
            long stops = AsciiBlock.wordOrNonAsciiBytes(block);
            // Bit positions below are those of bit 7 of a byte: byte k is bit 8k + 7.
            long from = -1L;
            while (true) {
                long next = stops & from;
                if (next == 0) {
                    i += Long.BYTES;
                    break;
                }
                int start = Long.numberOfTrailingZeros(next);
                long ends = nonWord & (-1L << start);
                if (block << (63 - start) < 0 || ends == 0) {
                    // A non-ASCII byte, or a word that runs on past the block.
                    return i + (start >>> 3);
                }
                int stop = Long.numberOfTrailingZeros(ends);
                int terminator = (int) (block >>> (stop - 7)) & 0xFF;
                if (terminator == '\'' || terminator >= 0x80) {
                    // Apostrophes may join another word character; a non-ASCII byte may be one.
                    return i + (start >>> 3);
                }
                int wordLength = (stop - start) >>> 3;
                table.addShort(AsciiBlock.tableForm(block >>> (start - 7)) & AsciiBlock.lowBytes(wordLength), 0);
                from = -1L << stop;
            }
        }
        return i;
    }

    /**
     * Counts the word that starts at {@code start} straight from the input if it is ASCII and
     * ends before {@code end} with a block to spare; else starts collecting it in the word buffer.
     * Returns where scanning goes on.
     */
    private int countAsciiWord(byte[] bytes, int start, int end) {
        int i = start;
        while (true) {
            if (end - i < Long.BYTES) {
                return appendAsciiRun(bytes, start, end);
            }
            long nonWord = AsciiBlock.nonWordBytes(AsciiBlock.read(bytes, i));
            if (nonWord == 0) {
                i += Long.BYTES;
                continue;
            }
            i += Long.numberOfTrailingZeros(nonWord) >>> 3;
            int b = bytes[i];
            if (b == '\'') {
                // Apostrophes belong to the word only if a word character follows them.
                int next = i + 1;
                while (next < end && bytes[next] == '\'') {
                    next++;
                }
                if (next == end || bytes[next] < 0) {
                    return appendAsciiRun(bytes, start, end);
                }
                if (ASCII_LOWER[bytes[next]] != 0) {
                    i = next;
                    continue;
                }
            } else if (b < 0) {
                // Maybe a non-ASCII word character that continues the word.
                return appendAsciiRun(bytes, start, end);
            }
            break;
        }
        if (end - i < Long.BYTES) {
            // The table reads whole blocks; keep them inside this chunk's bytes.
            return appendAsciiRun(bytes, start, end);
        }
        table.add(bytes, start, i - start);
        return i;
    }

    /** Appends the run of ASCII word chars starting at {@code i} to the word buffer; returns where it ends. */
    private int appendAsciiRun(byte[] bytes, int i, int end) {
        if (pendingApostrophes > 0) {
            appendPendingApostrophes();
        }
        byte[] w = word;
        int len = length;
        while (i < end) {
            int b = bytes[i];
            if (b < 0 || ASCII_LOWER[b] == 0) {
                break;
            }
            if (len + Long.BYTES >= w.length) {
                w = Arrays.copyOf(w, w.length * 2);
            }
            w[len++] = ASCII_LOWER[b];
            i++;
        }
        word = w;
        length = len;
        return i;
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
                    acceptSupplementary(codePoint);
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

    private void acceptSupplementary(int codePoint) {
        if (WordCharacters.isWordCodePoint(codePoint)) {
            needsNormalization = true;
            if (pendingApostrophes > 0) {
                appendPendingApostrophes();
            }
            ensureRoom(4);
            length = encodePair(Character.highSurrogate(codePoint), Character.lowSurrogate(codePoint), word, length);
        } else {
            endWord();
        }
    }

    /** Appends a BMP char that is not a surrogate, as UTF-8. */
    private void append(char c) {
        if (pendingApostrophes > 0) {
            appendPendingApostrophes();
        }
        ensureRoom(3);
        byte[] w = word;
        if (c < 0x80) {
            w[length++] = (byte) c;
        } else if (c < 0x800) {
            w[length++] = (byte) (0xC0 | c >> 6);
            w[length++] = (byte) (0x80 | c & 0x3F);
        } else {
            length = encodeThreeBytes(c, w, length);
        }
    }

    private void appendPendingApostrophes() {
        int apostrophes = pendingApostrophes;
        pendingApostrophes = 0;
        ensureRoom(apostrophes);
        // U+2019 is stored as U+0027, so both spellings of "don't" are one word.
        Arrays.fill(word, length, length + apostrophes, (byte) '\'');
        length += apostrophes;
    }

    /** Makes room for {@code bytes} more bytes in the word buffer, and a whole block after them. */
    private void ensureRoom(int bytes) {
        int needed = length + bytes + Long.BYTES;
        if (needed > word.length) {
            word = Arrays.copyOf(word, Math.max(needed, word.length * 2));
        }
    }

    private void endWord() {
        pendingApostrophes = 0;
        if (length == 0) {
            return;
        }
        if (needsNormalization) {
            String raw = new String(word, 0, length, StandardCharsets.UTF_8);
            byte[] normalized = Normalizer.normalize(raw, Normalizer.Form.NFC).toLowerCase(Locale.ROOT)
                    .getBytes(StandardCharsets.UTF_8);
            length = 0;
            ensureRoom(normalized.length);
            System.arraycopy(normalized, 0, word, 0, normalized.length);
            length = normalized.length;
        }
        table.add(word, 0, length);
        length = 0;
        needsNormalization = false;
    }

    private static int encodeThreeBytes(char c, byte[] out, int j) {
        out[j] = (byte) (0xE0 | c >> 12);
        out[j + 1] = (byte) (0x80 | (c >> 6) & 0x3F);
        out[j + 2] = (byte) (0x80 | c & 0x3F);
        return j + 3;
    }

    private static int encodePair(char high, char low, byte[] out, int j) {
        int codePoint = Character.toCodePoint(high, low);
        out[j] = (byte) (0xF0 | codePoint >> 18);
        out[j + 1] = (byte) (0x80 | (codePoint >> 12) & 0x3F);
        out[j + 2] = (byte) (0x80 | (codePoint >> 6) & 0x3F);
        out[j + 3] = (byte) (0x80 | codePoint & 0x3F);
        return j + 4;
    }

    private static int encodeReplacement(byte[] out, int j) {
        return encodeThreeBytes('\uFFFD', out, j);
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
