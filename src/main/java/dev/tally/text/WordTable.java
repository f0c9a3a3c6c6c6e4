package dev.tally.text;

import java.util.Arrays;

/**
 * Counts words in an open-addressing hash table that can be probed with a word still sitting in
 * a reusable char buffer, so a word already seen costs no allocation. Not thread-safe.
 *
 * <p>Distinct words are appended to one char arena; entry {@code e} is
 * {@code arena[starts[e], starts[e + 1])}. A slot packs the word's hash and its entry number
 * into one long, so a probe reads one array element, and Strings are made only once, by
 * {@link #toHistogram()}. A table of a million distinct words thus costs about the words' chars
 * plus 40 bytes a word, not a String object each while counting.
 */
final class WordTable {

    private static final int INITIAL_CAPACITY = 1 << 10;

    /** {@code (long) hash << 32 | (entry + 1)}; 0 for an empty slot. */
    private long[] slots = new long[INITIAL_CAPACITY];
    private char[] arena = new char[INITIAL_CAPACITY * 8];
    private int arenaLength;
    /** Where each entry's chars start in the arena, and one more: where the next entry starts. */
    private int[] starts = new int[INITIAL_CAPACITY / 2 + 1];
    private long[] counts = new long[INITIAL_CAPACITY / 2];
    private int size;

    /**
     * Counts one occurrence of the word in {@code chars[0, length)}.
     *
     * @param hash {@link #hash} of those chars, as the caller computed it incrementally
     */
    void add(char[] chars, int length, int hash) {
        long[] table = slots;
        int mask = table.length - 1;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            long entry = table[slot];
            if (entry == 0) {
                insert(slot, chars, length, hash);
                return;
            }
            if ((int) (entry >>> 32) == hash) {
                int e = (int) entry - 1;
                int start = starts[e];
                if (starts[e + 1] - start == length && sameChars(arena, start, chars, length)) {
                    counts[e]++;
                    return;
                }
            }
        }
    }

    /** Counts one occurrence of {@code word}. */
    void add(String word) {
        char[] chars = word.toCharArray();
        add(chars, chars.length, hash(word));
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
        String[] words = new String[size];
        for (int e = 0; e < size; e++) {
            words[e] = new String(arena, starts[e], starts[e + 1] - starts[e]);
        }
        long[] wordCounts = Arrays.copyOf(counts, size);
        slots = null;
        arena = null;
        starts = null;
        counts = null;
        return Histogram.sorting(words, wordCounts);
    }

    private void insert(int slot, char[] chars, int length, int hash) {
        int e = size;
        if (e == counts.length) {
            int capacity = e * 2;
            counts = Arrays.copyOf(counts, capacity);
            starts = Arrays.copyOf(starts, capacity + 1);
        }
        if (arena.length - arenaLength < length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaLength + length));
        }
        System.arraycopy(chars, 0, arena, arenaLength, length);
        arenaLength += length;
        starts[e + 1] = arenaLength;
        counts[e] = 1;
        slots[slot] = (long) hash << 32 | (e + 1);
        size = e + 1;
        // Linear probing stays short while at most half the slots are taken.
        if (size > slots.length >>> 1) {
            grow();
        }
    }

    private void grow() {
        long[] old = slots;
        long[] table = new long[old.length << 1];
        int mask = table.length - 1;
        for (long entry : old) {
            if (entry != 0) {
                int slot = spread((int) (entry >>> 32)) & mask;
                while (table[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = entry;
            }
        }
        slots = table;
    }

    /** A plain loop: words are short, shorter than the setup of a vectorized comparison. */
    private static boolean sameChars(char[] arena, int start, char[] chars, int length) {
        for (int i = 0; i < length; i++) {
            if (arena[start + i] != chars[i]) {
                return false;
            }
        }
        return true;
    }

    /** Mixes high bits into low ones: String hashes of short words differ mostly in low bits. */
    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
