package dev.tally.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word table's own histogram order (sorted by bytes) against the histogram's reference sort. */
class WordTableTest {

    @Test
    void ordersManyWordsSharingLongPrefixesLikeTheHistogramSort() {
        Random random = new Random(7);
        String[] stems = {"w", "inter", "internationalization", "caf\u00E9", "\u00E9t\u00E9", "\uD835\uDC00x", "\uFF21", "z"};
        Map<String, Long> counts = new HashMap<>();
        WordTable table = new WordTable();
        for (int i = 0; i < 30_000; i++) {
            String word = stems[random.nextInt(stems.length)] + base26(random.nextInt(5_000), 1 + random.nextInt(12));
            long times = 1 + random.nextInt(random.nextInt(8) + 1);
            for (int t = 0; t < times; t++) {
                add(table, word);
            }
            counts.merge(word, times, Long::sum);
        }

        assertThat(table.toHistogram()).isEqualTo(Histogram.of(counts));
    }

    @Test
    void ordersFrequentAndRareWordsByCountThenBytes() {
        // Counts on both sides of the counting sort's bound (1,024), with ties on each side.
        Map<String, Long> counts = new HashMap<>();
        String[] words = {"the", "of", "and", "to", "internationally", "a", "in", "caf\u00E9", "is", "be", "zebra", "yak"};
        long[] times = {3_000, 3_000, 1_025, 1_024, 1_024, 1_023, 2, 2, 1, 1, 1_025, 1};
        WordTable table = new WordTable();
        for (int i = 0; i < words.length; i++) {
            for (long t = 0; t < times[i]; t++) {
                add(table, words[i]);
            }
            counts.put(words[i], times[i]);
        }

        assertThat(table.toHistogram()).isEqualTo(Histogram.of(counts));
    }

    @Test
    void countsAWordTheSameFromAnyOffsetAndInAnyAsciiCase() {
        WordTable table = new WordTable();
        for (int offset = 0; offset < 20; offset++) {
            byte[] bytes = (" ".repeat(offset) + "ExtraOrdinarilyLong Short " + " ".repeat(Long.BYTES)).getBytes(StandardCharsets.US_ASCII);
            // The table reads whole blocks of eight bytes: the array has them after each word.
            table.add(bytes, offset, 19);
            table.add(bytes, offset + 20, 5);
        }
        Histogram histogram = table.toHistogram();

        assertThat(histogram.top(3)).containsExactly(new WordCount("extraordinarilylong", 20), new WordCount("short", 20));
    }

    @Test
    void handsOverEveryWordAsUtf8InHistogramOrderWithoutChangingIt() {
        Map<String, Long> counts = new HashMap<>();
        String[] words = {"the", "caf\u00E9", "internationalization", "\uD835\uDC00x", "z", "eightchr", "ninechars"};
        WordTable table = new WordTable();
        for (int i = 0; i < words.length; i++) {
            for (int t = 0; t <= i % 3; t++) {
                add(table, words[i]);
            }
            counts.put(words[i], (long) (i % 3 + 1));
        }
        Histogram counted = table.toHistogram();
        Histogram reference = Histogram.of(counts);
        List<String> handedOver = new ArrayList<>();
        List<Long> handedOverCounts = new ArrayList<>();

        counted.forEachUtf8((index, bytes, offset, length, count) -> {
            assertThat(index).isEqualTo(handedOver.size());
            handedOver.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
            handedOverCounts.add(count);
        });

        assertThat(handedOver).containsExactlyElementsOf(reference.top(words.length).stream().map(WordCount::word).toList());
        assertThat(handedOverCounts).containsExactlyElementsOf(reference.top(words.length).stream().map(WordCount::count).toList());
        assertThat(counted).isEqualTo(reference).hasSameHashCodeAs(reference);
    }

    private static void add(WordTable table, String word) {
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[utf8.length + 3 + Long.BYTES];
        System.arraycopy(utf8, 0, padded, 3, utf8.length);
        table.add(padded, 3, utf8.length);
    }

    private static String base26(int value, int digits) {
        char[] chars = new char[digits];
        for (int p = digits - 1; p >= 0; p--) {
            chars[p] = (char) ('a' + value % 26);
            value /= 26;
        }
        return new String(chars);
    }
}
