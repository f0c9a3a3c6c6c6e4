package dev.tally.text;

import static dev.tally.text.WordCounts.asMap;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The counter's fast paths (ASCII and Latin runs, UTF-8 decoded while scanning, chunked input)
 * against a plain reading of contract section 2, code point by code point, on random text.
 */
class FastPathEquivalenceTest {

    private static final String[] PIECES = {
        "a", "b", "e", "z", "A", "Q", "Z", "0", "7", "_", "'", "''", "\u2019", " ", " ", "  ", "\n", "\t", "-",
        ".", ",", "\"", "(", "/", "\u00E9", "\u00C9", "\u00DF", "\u00FF", "\u0130", "\u0131", "\u0301", "\u0327",
        "\u00A0", "\u00B2", "\u03A3", "\u03C2", "\u0416", "\u65E5", "\u3002", "\uFFFD", "\uD83D\uDE00",
        "\uD835\uDC00", "\uD801\uDC00", "\u203F", "\u2160", "\uFF21", "\uAC00", "\u1100\u1161",
    };
    private static final String[] LONE_SURROGATES = {"\uD800", "\uDC00", "\uDBFF"};
    private static final byte[][] MALFORMED = {
        {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xC1}, {(byte) 0xC3},
        {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF0, (byte) 0x80}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xF5}, {(byte) 0xFF}, {(byte) 0xE1, 'a'}, {(byte) 0xF1, (byte) 0x80, 'b'},
    };

    private final TextAnalyzer analyzer = new TextAnalyzer();

    @Test
    void chunkedCharsMatchTheReference() {
        Random random = new Random(17);
        for (int round = 0; round < 300; round++) {
            String text = randomText(random, 400, true);
            String[] chunks = randomChunks(random, text);

            assertThat(WordCounts.countChunks(chunks)).as("%s", text).isEqualTo(reference(text));
            assertThat(WordCounts.countCharChunks(chunks)).as("chars of %s", text).isEqualTo(reference(text));
            assertThat(asMap(analyzer.countText(text))).isEqualTo(reference(text));
        }
    }

    @Test
    void utf8BytesMatchTheReferenceOnTheDecodedText() throws CharacterCodingException {
        Random random = new Random(25);
        for (int round = 0; round < 500; round++) {
            byte[] bytes = randomUtf8(random);
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();

            assertThat(asMap(analyzer.countDocument(bytes, DocumentType.PLAIN_TEXT, "utf-8")))
                    .as("%s", decoded)
                    .isEqualTo(reference(decoded));
        }
    }

    @Test
    void utf8ByteOrderMarkIsSkipped() {
        byte[] text = "\uFEFFcaf\u00E9 CAF\u00C9".getBytes(StandardCharsets.UTF_8);

        assertThat(asMap(analyzer.countDocument(text, DocumentType.PLAIN_TEXT, null)))
                .containsExactly(Map.entry("caf\u00E9", 2L));
    }

    @Test
    void asciiWordsOfEveryLengthAtEveryOffsetMatchTheReference() {
        // Words of 1 to 40 chars, starting at each of the eight positions of a block, ending
        // before, on and after block edges, with mixed case, apostrophes and separators there.
        String[] ends = {" ", ".", "'", "'' ", "'s", "é", "’t", "-", "", "\n\n", "_"};
        Random random = new Random(31);
        StringBuilder text = new StringBuilder();
        for (int length = 1; length <= 40; length++) {
            for (int offset = 0; offset < Long.BYTES; offset++) {
                text.append(" ".repeat(offset));
                for (int i = 0; i < length; i++) {
                    text.append(ASCII_WORD_CHARS.charAt(random.nextInt(ASCII_WORD_CHARS.length())));
                }
                text.append(ends[random.nextInt(ends.length)]);
            }
        }
        assertAllPathsMatchTheReference(text.toString());
    }

    @Test
    void randomAsciiTextWithApostrophesAndRareNonAsciiMatchesTheReference() {
        String[] rare = {"\u00E9", "\u00C9", "\u2019", "\u0130", "\u0301", "\uD83D\uDE00", "\uD835\uDC00", "\uFFFD", "\u65E5"};
        Random random = new Random(43);
        for (int round = 0; round < 200; round++) {
            StringBuilder text = new StringBuilder();
            int pieces = 50 + random.nextInt(400);
            for (int i = 0; i < pieces; i++) {
                int kind = random.nextInt(100);
                if (kind < 70) {
                    text.append(ASCII_WORD_CHARS.charAt(random.nextInt(ASCII_WORD_CHARS.length())));
                } else if (kind < 85) {
                    text.append(' ');
                } else if (kind < 93) {
                    text.append('\'');
                } else if (kind < 98) {
                    text.append(SEPARATORS.charAt(random.nextInt(SEPARATORS.length())));
                } else {
                    text.append(rare[random.nextInt(rare.length)]);
                }
            }
            assertAllPathsMatchTheReference(text.toString());
        }
    }

    @Test
    void countsLongWordsLikeShortOnes() {
        String long300 = "Pneumono".repeat(37) + "sis";
        String long1000 = "abcDEFghij".repeat(100);
        String text = long300 + " " + long300.toUpperCase(java.util.Locale.ROOT) + "\n" + long1000 + "'" + long1000
                + " x" + long1000.substring(1) + " " + long1000 + "\u00E9";

        assertAllPathsMatchTheReference(text);
        assertThat(asMap(analyzer.countText(text)))
                .containsEntry(long300.toLowerCase(java.util.Locale.ROOT), 2L)
                .containsEntry(long1000.toLowerCase(java.util.Locale.ROOT) + "'" + long1000.toLowerCase(java.util.Locale.ROOT), 1L);
    }

    @Test
    void wordsCutByEveryChunkEdgeMatchTheReference() {
        String text = "It's the QUICK brown fox's \u2019tis dogs'' rock''n roll caf\u00E9 na\u00EFve \uD835\uDC00bc xy_z 2024 end";
        Map<String, Long> expected = reference(text);
        for (int cut = 0; cut <= text.length(); cut++) {
            for (int second = cut; second <= text.length(); second += 7) {
                String[] chunks = {text.substring(0, cut), text.substring(cut, second), text.substring(second)};

                assertThat(WordCounts.countChunks(chunks)).as("cut at %d and %d", cut, second).isEqualTo(expected);
                assertThat(WordCounts.countCharChunks(chunks)).as("chars cut at %d and %d", cut, second).isEqualTo(expected);
            }
        }
    }

    @Test
    void utf8BytesOfAsciiTextInOddChunksMatchTheReference() {
        Random random = new Random(59);
        for (int round = 0; round < 100; round++) {
            String text = randomText(random, 300, false);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            // Cut only between UTF-8 sequences, as a decoder feeding the counter would.
            WordCounter counter = new WordCounter();
            int from = 0;
            while (from < bytes.length) {
                int to = Math.min(bytes.length, from + 1 + random.nextInt(40));
                while (to < bytes.length && (bytes[to] & 0xC0) == 0x80) {
                    to++;
                }
                counter.acceptUtf8(bytes, from, to - from);
                from = to;
            }

            assertThat(asMap(counter.toHistogram())).as("%s", text).isEqualTo(reference(text));
        }
    }

    private static final String SEPARATORS = ",.;:!?\"()-\n\t";
    private static final String ASCII_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

    /** The UTF-8 path, the String path and the chunked char path all give the reference counts. */
    private void assertAllPathsMatchTheReference(String text) {
        Map<String, Long> expected = reference(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);

        assertThat(asMap(analyzer.countDocument(utf8, DocumentType.PLAIN_TEXT, "utf-8"))).as("bytes of %s", text).isEqualTo(expected);
        assertThat(asMap(analyzer.countText(text))).as("String %s", text).isEqualTo(expected);
        assertThat(asMap(analyzer.countText(new StringBuilder(text)))).as("StringBuilder %s", text).isEqualTo(expected);
        assertThat(asMap(analyzer.countDocument(text.getBytes(StandardCharsets.UTF_16LE), DocumentType.PLAIN_TEXT, "utf-16le")))
                .as("UTF-16 of %s", text).isEqualTo(expected);
    }

    private static String randomText(Random random, int pieces, boolean loneSurrogates) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            if (loneSurrogates && random.nextInt(40) == 0) {
                text.append(LONE_SURROGATES[random.nextInt(LONE_SURROGATES.length)]);
            } else {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return text.toString();
    }

    private static String[] randomChunks(Random random, String text) {
        int count = 1 + random.nextInt(6);
        int[] cuts = random.ints(count - 1, 0, text.length() + 1).sorted().toArray();
        String[] chunks = new String[count];
        int from = 0;
        for (int i = 0; i < count - 1; i++) {
            chunks[i] = text.substring(from, cuts[i]);
            from = cuts[i];
        }
        chunks[count - 1] = text.substring(from);
        return chunks;
    }

    private static byte[] randomUtf8(Random random) {
        byte[] valid = randomText(random, 300, false).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(valid.length * 2 + 64);
        for (byte b : valid) {
            if (random.nextInt(60) == 0) {
                out.put(MALFORMED[random.nextInt(MALFORMED.length)]);
            }
            out.put(b);
        }
        if (random.nextBoolean()) {
            // Cut inside a multi-byte sequence now and then.
            out.position(Math.max(0, out.position() - random.nextInt(3)));
        }
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    /** Contract section 2 read literally: code point by code point, each word NFC'd and lower-cased at its end. */
    static Map<String, Long> reference(String text) {
        Map<String, Long> counts = new HashMap<>();
        StringBuilder word = new StringBuilder();
        int pendingApostrophes = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (WordCharacters.isWordCodePoint(codePoint)) {
                if (word.length() > 0) {
                    word.append("'".repeat(pendingApostrophes));
                }
                pendingApostrophes = 0;
                word.appendCodePoint(codePoint);
            } else if (codePoint == '\'' || codePoint == '\u2019') {
                if (word.length() > 0) {
                    pendingApostrophes++;
                }
            } else {
                flush(word, counts);
                pendingApostrophes = 0;
            }
        }
        flush(word, counts);
        return counts;
    }

    private static void flush(StringBuilder word, Map<String, Long> counts) {
        if (word.length() > 0) {
            String key = Normalizer.normalize(word, Normalizer.Form.NFC).toLowerCase(java.util.Locale.ROOT);
            counts.merge(key, 1L, Long::sum);
            word.setLength(0);
        }
    }
}
