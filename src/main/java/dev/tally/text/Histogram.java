package dev.tally.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable word histogram, ordered by count descending, then word ascending by Unicode code
 * point (the order of the API's {@code topWords} and {@code /words}).
 *
 * <p>Entries are held in two parallel arrays rather than as objects per entry, so that a
 * histogram of a million distinct words costs little more than the words themselves. A histogram
 * counted from text holds its words as UTF-8, back to back in one array, and makes a word's String
 * only when {@link #word} asks for it: storing a result reads the bytes ({@link #forEachUtf8}), so
 * most words never become Strings at all.
 *
 * <p>To rebuild a histogram from stored data, read the entries back in histogram order and use
 * {@link #ofSorted(String[], long[])}; {@link #of(Map)} sorts arbitrary counts.
 */
public final class Histogram {

    private static final Histogram EMPTY = new Histogram(new String[0], new long[0], 0, null, null);

    /** Below this size, insertion sort beats merging. */
    private static final int INSERTION_SORT_THRESHOLD = 16;

    /** The words; with {@link #utf8}, each made on first use (null until then). */
    private final String[] words;
    private final long[] counts;
    private final long totalWords;
    /** The words as UTF-8, word {@code i} at {@code [offsets[i], offsets[i + 1])}; null if held as Strings only. */
    private final byte[] utf8;
    private final int[] offsets;

    private Histogram(String[] words, long[] counts, long totalWords, byte[] utf8, int[] offsets) {
        this.words = words;
        this.counts = counts;
        this.totalWords = totalWords;
        this.utf8 = utf8;
        this.offsets = offsets;
    }

    /** A histogram with no words. */
    public static Histogram empty() {
        return EMPTY;
    }

    /**
     * Rebuilds a histogram from entries already in histogram order, such as a stored result.
     * The arrays are copied; the order is verified in one pass.
     *
     * @param words distinct words, in histogram order
     * @param counts the count of each word, same length, every count at least 1
     * @throws IllegalArgumentException if lengths differ, a word is null, a count is below 1, or
     *     the entries are not strictly in histogram order (which also rules out duplicates)
     */
    public static Histogram ofSorted(String[] words, long[] counts) {
        Objects.requireNonNull(words, "words");
        Objects.requireNonNull(counts, "counts");
        if (words.length != counts.length) {
            throw new IllegalArgumentException(
                    "words and counts differ in length: " + words.length + " != " + counts.length);
        }
        String[] ownWords = words.clone();
        long[] ownCounts = counts.clone();
        long total = validatedTotal(ownWords, ownCounts);
        for (int i = 1; i < ownWords.length; i++) {
            if (!precedes(ownWords[i - 1], ownCounts[i - 1], ownWords[i], ownCounts[i])) {
                throw new IllegalArgumentException("entries " + (i - 1) + " and " + i + " are not in histogram order");
            }
        }
        return ownWords.length == 0 ? EMPTY : new Histogram(ownWords, ownCounts, total, null, null);
    }

    /**
     * Builds a histogram from word counts in any order.
     *
     * @param counts each word's count, every count at least 1
     * @throws IllegalArgumentException if a count is below 1
     */
    public static Histogram of(Map<String, ? extends Number> counts) {
        String[] words = new String[counts.size()];
        long[] values = new long[counts.size()];
        int i = 0;
        for (Map.Entry<String, ? extends Number> entry : counts.entrySet()) {
            words[i] = entry.getKey();
            values[i] = entry.getValue().longValue();
            i++;
        }
        return sorting(words, values);
    }

    /**
     * Sorts distinct words and their counts into histogram order, in place, and wraps them
     * without copying: the caller hands over both arrays.
     */
    static Histogram sorting(String[] words, long[] counts) {
        if (words.length == 0) {
            return EMPTY;
        }
        long total = validatedTotal(words, counts);
        sort(words, counts);
        return new Histogram(words, counts, total, null, null);
    }

    /**
     * Wraps distinct words, given as UTF-8, and their counts, that the caller has already put in
     * histogram order, without copying or checking the order: the caller hands over the arrays.
     *
     * @param utf8 the words back to back, word {@code i} at {@code [offsets[i], offsets[i + 1])}
     * @param offsets one more than there are words
     */
    static Histogram inOrderUtf8(byte[] utf8, int[] offsets, long[] counts) {
        if (counts.length == 0) {
            return EMPTY;
        }
        if (offsets.length != counts.length + 1) {
            throw new IllegalArgumentException("offsets must be one more than counts: " + offsets.length);
        }
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 1) {
                throw new IllegalArgumentException("count " + i + " is below 1: " + counts[i]);
            }
            total = Math.addExact(total, counts[i]);
        }
        return new Histogram(new String[counts.length], counts, total, utf8, offsets);
    }

    /** The number of word occurrences counted. */
    public long totalWords() {
        return totalWords;
    }

    /** The number of distinct words (entries). */
    public int distinctWords() {
        return words.length;
    }

    /** The word at position {@code index} in histogram order. */
    public String word(int index) {
        String word = words[Objects.checkIndex(index, words.length)];
        if (word == null) {
            // Made once; a race makes equal Strings, and a String is safe to share without locks.
            word = new String(utf8, offsets[index], offsets[index + 1] - offsets[index], StandardCharsets.UTF_8);
            words[index] = word;
        }
        return word;
    }

    /**
     * Hands every entry, in histogram order, to {@code entries} with its word as UTF-8, without
     * making Strings of words held as UTF-8. The bytes are valid only during the call.
     */
    public void forEachUtf8(Utf8Entries entries) {
        if (utf8 != null) {
            for (int i = 0; i < counts.length; i++) {
                entries.accept(i, utf8, offsets[i], offsets[i + 1] - offsets[i], counts[i]);
            }
            return;
        }
        for (int i = 0; i < counts.length; i++) {
            byte[] word = words[i].getBytes(StandardCharsets.UTF_8);
            entries.accept(i, word, 0, word.length, counts[i]);
        }
    }

    /** Receives a histogram's entries from {@link #forEachUtf8}. */
    @FunctionalInterface
    public interface Utf8Entries {

        /**
         * @param index the entry's position in histogram order
         * @param bytes holds the word's UTF-8 at {@code [offset, offset + length)}
         */
        void accept(int index, byte[] bytes, int offset, int length, long count);
    }

    /** The count at position {@code index} in histogram order. */
    public long count(int index) {
        return counts[Objects.checkIndex(index, counts.length)];
    }

    /** The first {@code n} entries (fewer if the histogram is smaller). */
    public List<WordCount> top(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        return entries(0, Math.min(n, words.length));
    }

    /**
     * The entries from {@code fromIndex} (inclusive) to {@code toIndex} (exclusive), in histogram
     * order; for paging through a large histogram without copying it.
     */
    public List<WordCount> entries(int fromIndex, int toIndex) {
        Objects.checkFromToIndex(fromIndex, toIndex, words.length);
        WordCount[] slice = new WordCount[toIndex - fromIndex];
        for (int i = fromIndex; i < toIndex; i++) {
            slice[i - fromIndex] = new WordCount(word(i), counts[i]);
        }
        return List.of(slice);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Histogram that)
                || totalWords != that.totalWords
                || !Arrays.equals(counts, that.counts)) {
            return false;
        }
        for (int i = 0; i < counts.length; i++) {
            if (!word(i).equals(that.word(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 0;
        for (int i = 0; i < counts.length; i++) {
            hash = 31 * hash + word(i).hashCode();
        }
        return 31 * hash + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Histogram[totalWords=" + totalWords + ", distinctWords=" + words.length + ", top=" + top(10) + "]";
    }

    /**
     * Compares two strings by Unicode code point. {@link String#compareTo} compares UTF-16 units,
     * which puts supplementary characters (surrogate pairs) before U+E000..U+FFFF; shifting the
     * units at or above U+D800 by a fixed amount restores code point order without decoding.
     */
    static int compareByCodePoint(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= Character.MIN_SURROGATE && y >= Character.MIN_SURROGATE) {
                    return codePointOrder(x) - codePointOrder(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    private static int codePointOrder(char unitAtOrAboveSurrogates) {
        return Character.isSurrogate(unitAtOrAboveSurrogates)
                ? unitAtOrAboveSurrogates + 0x2000
                : unitAtOrAboveSurrogates - 0x800;
    }

    private static boolean precedes(String word, long count, String otherWord, long otherCount) {
        if (count != otherCount) {
            return count > otherCount;
        }
        return compareByCodePoint(word, otherWord) < 0;
    }

    private static long validatedTotal(String[] words, long[] counts) {
        long total = 0;
        for (int i = 0; i < words.length; i++) {
            if (words[i] == null) {
                throw new IllegalArgumentException("word " + i + " is null");
            }
            if (counts[i] < 1) {
                throw new IllegalArgumentException("count of '" + words[i] + "' is below 1: " + counts[i]);
            }
            total = Math.addExact(total, counts[i]);
        }
        return total;
    }

    /**
     * Merge sort over the parallel arrays: {@code Arrays.sort} cannot move two arrays together,
     * and sorting an index of boxed integers would cost several times the histogram's own memory.
     */
    private static void sort(String[] words, long[] counts) {
        if (!sortByCountThenWord(words, counts)) {
            mergeSort(words.clone(), counts.clone(), words, counts, 0, words.length);
        }
    }

    /** How many low bits of a {@link #sortByCountThenWord} key hold the entry's index. */
    private static final int INDEX_BITS = 24;

    /**
     * The fast sort for histograms of up to 16 million words with counts below 2^39: primitive
     * keys {@code (maxCount - count) << 24 | index} put the entries in count order with one
     * {@code long[]} sort, then each run of equal counts is sorted by word. Most of a text's
     * words share a handful of small counts, so this compares far fewer strings than one merge
     * sort by (count, word), and compares them with {@link String#compareTo} where that agrees
     * with code point order.
     *
     * @return false, having changed nothing, if the histogram is too large for the keys
     */
    private static boolean sortByCountThenWord(String[] words, long[] counts) {
        int n = words.length;
        long maxCount = 0;
        for (long count : counts) {
            maxCount = Math.max(maxCount, count);
        }
        if (n >= 1 << INDEX_BITS || maxCount >= 1L << (Long.SIZE - 1 - INDEX_BITS)) {
            return false;
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (maxCount - counts[i]) << INDEX_BITS | i;
        }
        Arrays.sort(keys);
        String[] unsorted = words.clone();
        boolean utf16OrderIsCodePointOrder = true;
        for (int i = 0; i < n; i++) {
            String word = unsorted[(int) (keys[i] & ((1 << INDEX_BITS) - 1))];
            words[i] = word;
            counts[i] = maxCount - (keys[i] >>> INDEX_BITS);
            utf16OrderIsCodePointOrder &= !hasCharsAtOrAboveSurrogates(word);
        }
        for (int from = 0; from < n; ) {
            int to = from + 1;
            while (to < n && counts[to] == counts[from]) {
                to++;
            }
            if (to - from > 1) {
                if (utf16OrderIsCodePointOrder) {
                    Arrays.sort(words, from, to);
                } else {
                    Arrays.sort(words, from, to, Histogram::compareByCodePoint);
                }
            }
            from = to;
        }
        return true;
    }

    /** Whether {@code word} has a char where UTF-16 order and code point order can differ. */
    private static boolean hasCharsAtOrAboveSurrogates(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (word.charAt(i) >= Character.MIN_SURROGATE) {
                return true;
            }
        }
        return false;
    }

    /** Sorts {@code [from, to)} into {@code dst*}; {@code src*} holds the same entries on entry. */
    private static void mergeSort(String[] srcWords, long[] srcCounts, String[] dstWords, long[] dstCounts,
            int from, int to) {
        if (to - from < INSERTION_SORT_THRESHOLD) {
            insertionSort(dstWords, dstCounts, from, to);
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(dstWords, dstCounts, srcWords, srcCounts, from, mid);
        mergeSort(dstWords, dstCounts, srcWords, srcCounts, mid, to);
        if (precedes(srcWords[mid - 1], srcCounts[mid - 1], srcWords[mid], srcCounts[mid])) {
            System.arraycopy(srcWords, from, dstWords, from, to - from);
            System.arraycopy(srcCounts, from, dstCounts, from, to - from);
            return;
        }
        int left = from;
        int right = mid;
        for (int i = from; i < to; i++) {
            boolean takeLeft = right >= to
                    || (left < mid && precedes(srcWords[left], srcCounts[left], srcWords[right], srcCounts[right]));
            int source = takeLeft ? left++ : right++;
            dstWords[i] = srcWords[source];
            dstCounts[i] = srcCounts[source];
        }
    }

    private static void insertionSort(String[] words, long[] counts, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            String word = words[i];
            long count = counts[i];
            int j = i - 1;
            while (j >= from && precedes(word, count, words[j], counts[j])) {
                words[j + 1] = words[j];
                counts[j + 1] = counts[j];
                j--;
            }
            words[j + 1] = word;
            counts[j + 1] = count;
        }
    }
}
