package dev.tally.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramTest {

    /** Code point order, computed the slow obvious way, as the reference for the fast one. */
    private static final Comparator<String> BY_CODE_POINT =
            (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

    @Test
    void ordersByCountDescending() {
        Histogram histogram = Histogram.of(Map.of("the", 80L, "of", 51L, "and", 64L, "zebra", 1L));

        assertThat(histogram.top(4)).containsExactly(
                new WordCount("the", 80), new WordCount("and", 64), new WordCount("of", 51), new WordCount("zebra", 1));
    }

    @Test
    void breaksCountTiesByWordAscending() {
        Histogram histogram = Histogram.of(Map.of("pear", 2L, "apple", 2L, "fig", 2L, "kiwi", 3L));

        assertThat(histogram.top(4)).extracting(WordCount::word).containsExactly("kiwi", "apple", "fig", "pear");
    }

    @Test
    void breaksTiesByCodePointSoSupplementaryLettersSortAfterFullwidthForms() {
        String mathBoldA = "\uD835\uDC00"; // U+1D400, a letter outside the BMP
        String fullwidthZ = "\uFF5A"; // U+FF5A, which String.compareTo would put after U+1D400
        String hangul = "\uD55C"; // U+D55C, just below the surrogate range
        Histogram histogram = Histogram.of(Map.of(mathBoldA, 1L, fullwidthZ, 1L, hangul, 1L, "z", 1L));

        assertThat(mathBoldA.compareTo(fullwidthZ)).as("UTF-16 order differs from code point order").isNegative();
        assertThat(histogram.top(4)).extracting(WordCount::word).containsExactly("z", hangul, fullwidthZ, mathBoldA);
    }

    @Test
    void comparesByCodePointLikeTheReferenceOrder() {
        Random random = new Random(42);
        int[] interesting = {'a', 'z', 0xE9, 0x3B1, 0x4E00, 0xD7FF, 0xE000, 0xFB01, 0xFFFD, 0x10000, 0x1D400, 0x20000};
        for (int round = 0; round < 10_000; round++) {
            String a = randomString(random, interesting);
            String b = randomString(random, interesting);

            assertThat(Integer.signum(Histogram.compareByCodePoint(a, b)))
                    .as("%s vs %s", a, b)
                    .isEqualTo(Integer.signum(BY_CODE_POINT.compare(a, b)));
        }
    }

    @Test
    void sortsManyEntriesLikeTheReferenceOrder() {
        Random random = new Random(7);
        Map<String, Long> counts = new HashMap<>();
        int[] interesting = {'a', 'b', 'c', 0xE9, 0x4E00, 0xFF5A, 0x1D400};
        while (counts.size() < 5_000) {
            counts.put(randomString(random, interesting) + randomString(random, interesting) + randomString(random, interesting),
                    1L + random.nextInt(20));
        }
        List<Map.Entry<String, Long>> expected = new ArrayList<>(counts.entrySet());
        expected.sort(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey(BY_CODE_POINT)));

        Histogram histogram = Histogram.of(counts);

        assertThat(histogram.distinctWords()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(histogram.word(i)).isEqualTo(expected.get(i).getKey());
            assertThat(histogram.count(i)).isEqualTo(expected.get(i).getValue());
        }
    }

    @Test
    void sortsBmpOnlyWordsAndHugeCountsLikeTheReferenceOrder() {
        Random random = new Random(11);
        int[] latin = {'a', 'b', 'z', '0', '_', 0xE9, 0x4E00};
        for (long extraCount : new long[] {0, 1L << 45}) {
            Map<String, Long> counts = new HashMap<>();
            while (counts.size() < 20_000) {
                counts.put(randomString(random, latin) + randomString(random, latin), 1L + random.nextInt(5));
            }
            if (extraCount > 0) {
                // Too large for the primitive sort keys: the merge sort takes over.
                counts.put("huge", extraCount);
            }
            List<Map.Entry<String, Long>> expected = new ArrayList<>(counts.entrySet());
            expected.sort(Map.Entry.<String, Long>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey(BY_CODE_POINT)));

            Histogram histogram = Histogram.of(counts);

            for (int i = 0; i < expected.size(); i++) {
                assertThat(histogram.word(i)).isEqualTo(expected.get(i).getKey());
                assertThat(histogram.count(i)).isEqualTo(expected.get(i).getValue());
            }
        }
    }

    @Test
    void sumsTotalAndCountsDistinctWords() {
        Histogram histogram = Histogram.of(Map.of("to", 2L, "be", 2L, "or", 1L, "not", 1L));

        assertThat(histogram.totalWords()).isEqualTo(6);
        assertThat(histogram.distinctWords()).isEqualTo(4);
    }

    @Test
    void topReturnsFewerEntriesWhenHistogramIsSmaller() {
        Histogram histogram = Histogram.of(Map.of("only", 3L, "two", 1L));

        assertThat(histogram.top(10)).hasSize(2);
        assertThat(histogram.top(0)).isEmpty();
        assertThatThrownBy(() -> histogram.top(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pagesThroughEntriesInOrder() {
        Histogram histogram = Histogram.of(Map.of("a", 5L, "b", 4L, "c", 3L, "d", 2L, "e", 1L));

        assertThat(histogram.entries(2, 4)).containsExactly(new WordCount("c", 3), new WordCount("d", 2));
        assertThatThrownBy(() -> histogram.entries(3, 6)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void emptyHistogramHasNoWords() {
        assertThat(Histogram.empty().totalWords()).isZero();
        assertThat(Histogram.empty().distinctWords()).isZero();
        assertThat(Histogram.empty().top(10)).isEmpty();
        assertThat(Histogram.of(Map.of())).isEqualTo(Histogram.empty());
    }

    @Test
    void rebuildsFromStoredSortedEntries() {
        Histogram original = Histogram.of(Map.of("the", 3L, "cat", 1L, "sat", 1L));
        String[] words = new String[original.distinctWords()];
        long[] counts = new long[original.distinctWords()];
        for (int i = 0; i < words.length; i++) {
            words[i] = original.word(i);
            counts[i] = original.count(i);
        }

        Histogram rebuilt = Histogram.ofSorted(words, counts);
        words[0] = "changed after the fact";

        assertThat(rebuilt).isEqualTo(original);
        assertThat(rebuilt.totalWords()).isEqualTo(5);
    }

    @Test
    void refusesStoredEntriesOutOfOrder() {
        assertThatThrownBy(() -> Histogram.ofSorted(new String[] {"cat", "the"}, new long[] {1, 3}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Histogram.ofSorted(new String[] {"sat", "cat"}, new long[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Histogram.ofSorted(new String[] {"cat", "cat"}, new long[] {1, 1}))
                .as("duplicates")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesMalformedStoredEntries() {
        assertThatThrownBy(() -> Histogram.ofSorted(new String[] {"a", "b"}, new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Histogram.ofSorted(new String[] {"a"}, new long[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Histogram.ofSorted(new String[] {null}, new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalHistogramsHaveEqualEntriesRegardlessOfInputOrder() {
        Map<String, Long> forward = new LinkedHashMap<>();
        forward.put("alpha", 1L);
        forward.put("beta", 2L);
        Map<String, Long> backward = new LinkedHashMap<>();
        backward.put("beta", 2L);
        backward.put("alpha", 1L);

        assertThat(Histogram.of(forward)).isEqualTo(Histogram.of(backward)).hasSameHashCodeAs(Histogram.of(backward));
        assertThat(Histogram.of(forward)).isNotEqualTo(Histogram.of(Map.of("alpha", 1L, "beta", 3L)));
    }

    private static String randomString(Random random, int[] codePoints) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            s.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return s.toString();
    }
}
