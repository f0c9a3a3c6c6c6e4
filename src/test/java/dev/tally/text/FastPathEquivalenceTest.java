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
