package dev.tally.text;

/**
 * Counts words in an open-addressing hash table that can be probed with a word still sitting in
 * a reusable char buffer, so a word already seen costs no allocation; only a new word becomes a
 * String. Not thread-safe.
 */
final class WordTable {

    private static final int INITIAL_CAPACITY = 1 << 10;

    private String[] words = new String[INITIAL_CAPACITY];
    private int[] hashes = new int[INITIAL_CAPACITY];
    private long[] counts = new long[INITIAL_CAPACITY];
    private int size;

    /**
     * Counts one occurrence of the word in {@code chars[0, length)}.
     *
     * @param hash {@link #hash} of those chars, as the caller computed it incrementally
     */
    void add(char[] chars, int length, int hash) {
        int mask = words.length - 1;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            String word = words[slot];
            if (word == null) {
                insert(slot, new String(chars, 0, length), hash);
                return;
            }
            if (hashes[slot] == hash && contentEquals(word, chars, length)) {
                counts[slot]++;
                return;
            }
        }
    }

    /** Counts one occurrence of {@code word}. */
    void add(String word) {
        int hash = hash(word);
        int mask = words.length - 1;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            String existing = words[slot];
            if (existing == null) {
                insert(slot, word, hash);
                return;
            }
            if (hashes[slot] == hash && existing.equals(word)) {
                counts[slot]++;
                return;
            }
        }
    }

    /** The hash {@link #add(char[], int, int)} expects: {@link String#hashCode()}'s formula. */
    static int hash(String word) {
        return word.hashCode();
    }

    /** Extends a hash computed over a word's chars so far by the next char. */
    static int extendHash(int hash, char next) {
        return 31 * hash + next;
    }

    /** The counted words as a histogram; the table must not be used afterwards. */
    Histogram toHistogram() {
        String[] sortedWords = new String[size];
        long[] sortedCounts = new long[size];
        int next = 0;
        for (int slot = 0; slot < words.length; slot++) {
            if (words[slot] != null) {
                sortedWords[next] = words[slot];
                sortedCounts[next] = counts[slot];
                next++;
            }
        }
        words = null;
        hashes = null;
        counts = null;
        return Histogram.sorting(sortedWords, sortedCounts);
    }

    private void insert(int slot, String word, int hash) {
        words[slot] = word;
        hashes[slot] = hash;
        counts[slot] = 1;
        size++;
        // Linear probing stays short while at most half the slots are taken.
        if (size > words.length >>> 1) {
            grow();
        }
    }

    private void grow() {
        String[] oldWords = words;
        int[] oldHashes = hashes;
        long[] oldCounts = counts;
        int capacity = oldWords.length << 1;
        words = new String[capacity];
        hashes = new int[capacity];
        counts = new long[capacity];
        int mask = capacity - 1;
        for (int old = 0; old < oldWords.length; old++) {
            if (oldWords[old] != null) {
                int slot = spread(oldHashes[old]) & mask;
                while (words[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                words[slot] = oldWords[old];
                hashes[slot] = oldHashes[old];
                counts[slot] = oldCounts[old];
            }
        }
    }

    /** Mixes high bits into low ones: String hashes of short words differ mostly in low bits. */
    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static boolean contentEquals(String word, char[] chars, int length) {
        if (word.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (word.charAt(i) != chars[i]) {
                return false;
            }
        }
        return true;
    }
}
