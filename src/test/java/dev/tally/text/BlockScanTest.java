package dev.tally.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 64-byte block loop of the counter (separator bitmask, words of up to two blocks counted
 * straight from the input, everything else through the byte scan) against the reference reading
 * of contract section 2, with words placed across every block edge. Texts are long enough for
 * the loop to run (it needs 80 bytes ahead); the whole histogram is compared, order included,
 * since the table keeps words in its own form and must give back their UTF-8 byte order.
 */
class BlockScanTest {

    private static final String WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    /** What may follow a word: separators, apostrophes that do or do not join, non-ASCII. */
    private static final String[] AFTER = {
        " ", ".", "\n", "'", "'' ", "'s", "''t ", "\u2019", "\u2019t", "\u00E9", "\u00E9t\u00E9 ", "\u201D ", "-", "\uD83D\uDE00",
        "\uFFFD", "\u0301", "_", "__ ",
    };

    private final TextAnalyzer analyzer = new TextAnalyzer();

    @Test
    void wordsOfEveryLengthAcrossEveryBlockEdgeMatchTheReference() {
        Random random = new Random(64);
        for (int length = 1; length <= 40; length++) {
            StringBuilder text = new StringBuilder();
            // Each word starts one byte further into the 64-byte blocks than the one before.
            for (int start = 0; start < 80; start++) {
                while (text.length() % 64 != start % 64) {
                    text.append(random.nextBoolean() ? ' ' : ',');
                }
                text.append(randomWord(random, length)).append(AFTER[random.nextInt(AFTER.length)]);
            }
            text.append(" ".repeat(100));
            assertMatchesTheReference(text.toString());
        }
    }

    @Test
    void apostrophesAndNonAsciiOnBlockEdgesMatchTheReference() {
        String[] specials = {"'", "''", "\u2019", "\u00E9", "\u00C9", "\u201C", "\u0130", "\u0301", "\uD835\uDC00", "\u65E5"};
        for (String special : specials) {
            for (int at = 56; at <= 72; at++) {
                // A word of letters up to the block edge, the special char on it, and letters after.
                String before = "x".repeat(at - 50);
                String text = "z".repeat(49) + " " + before + special + "Tail" + " rest of the line with words".repeat(4);
                assertMatchesTheReference(text);
                assertMatchesTheReference(text.replace(" ", "  "));
            }
        }
    }

    @Test
    void randomTextWithUnderscoresApostrophesAndNonAsciiMatchesTheReference() {
        String[] rare = {"\u00E9", "\u00C9", "\u2019", "\u0130", "\u0301", "\uD83D\uDE00", "\uFFFD", "\u65E5", "\u00DF"};
        Random random = new Random(80);
        for (int round = 0; round < 300; round++) {
            StringBuilder text = new StringBuilder();
            int pieces = 100 + random.nextInt(900);
            for (int i = 0; i < pieces; i++) {
                int kind = random.nextInt(100);
                if (kind < 72) {
                    text.append(WORD_CHARS.charAt(random.nextInt(WORD_CHARS.length())));
                } else if (kind < 90) {
                    text.append(' ');
                } else if (kind < 94) {
                    text.append('\'');
                } else if (kind < 98) {
                    text.append(",.;\n-()\"".charAt(random.nextInt(8)));
                } else {
                    text.append(rare[random.nextInt(rare.length)]);
                }
            }
            assertMatchesTheReference(text.toString());
        }
    }

    @Test
    void segmentsSpanningManyBlocksMatchTheReference() {
        String url = "Https_www_Example_com_" + "a1_B2".repeat(40);
        String joined = "rock" + "'n'".repeat(30) + "roll";
        String text = ("see " + url + " and " + joined + " " + url + "\u00E9 " + url.substring(3) + "'s end. ").repeat(5);

        assertMatchesTheReference(text);
        assertThat(counts(text)).containsEntry(url.toLowerCase(java.util.Locale.ROOT), 5L)
                .containsEntry(url.toLowerCase(java.util.Locale.ROOT) + "\u00E9", 5L);
    }

    @Test
    void underscoresAndDigitsSortByTheirBytes() {
        // '_' (0x5F) sorts after digits and before letters; the table stores it otherwise.
        String words = "a_ a0 aa a_b a9 ab _a _ __ 0 z_ ___long_word_with_underscores_ a_________ a0000000000 "
                + "underscore_ underscorE0 underscores ";
        String text = words.repeat(3) + "_Z _z A_ a_ " + " filler".repeat(20);

        assertMatchesTheReference(text);
    }

    @Test
    void tablesOfAnyStartingSizeCountTheSame() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("w").append(Integer.toString(i, 36)).append(i % 3 == 0 ? "_long_suffix " : " ");
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        Histogram expected = Histogram.of(FastPathEquivalenceTest.reference(text.toString()));
        for (int expectedBytes : new int[] {0, 1, 1_000, bytes.length, Integer.MAX_VALUE}) {
            WordCounter counter = new WordCounter(expectedBytes);
            counter.acceptUtf8(bytes, 0, bytes.length);

            assertThat(counter.toHistogram()).as("sized for %d bytes", expectedBytes).isEqualTo(expected);
        }
    }

    /** Every input path gives the reference histogram, in histogram order. */
    private void assertMatchesTheReference(String text) {
        Histogram expected = Histogram.of(FastPathEquivalenceTest.reference(text));
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);

        assertThat(analyzer.countDocument(utf8, DocumentType.PLAIN_TEXT, "utf-8")).as("bytes of %s", text).isEqualTo(expected);
        assertThat(analyzer.countText(text)).as("String %s", text).isEqualTo(expected);
        // The same bytes not at the start of their array, and cut in two.
        byte[] shifted = new byte[utf8.length + 3];
        System.arraycopy(utf8, 0, shifted, 3, utf8.length);
        int cut = utf8.length / 2;
        while (cut < utf8.length && (utf8[cut] & 0xC0) == 0x80) {
            cut++;
        }
        WordCounter counter = new WordCounter();
        counter.acceptUtf8(shifted, 3, cut);
        counter.acceptUtf8(shifted, 3 + cut, utf8.length - cut);
        assertThat(counter.toHistogram()).as("bytes cut at %d of %s", cut, text).isEqualTo(expected);
    }

    private Map<String, Long> counts(String text) {
        return WordCounts.asMap(analyzer.countText(text));
    }

    private static String randomWord(Random random, int length) {
        StringBuilder word = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            word.append(WORD_CHARS.charAt(random.nextInt(WORD_CHARS.length())));
        }
        return word.toString();
    }
}
