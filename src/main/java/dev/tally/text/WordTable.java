package dev.tally.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Counts words, each given as its UTF-8 bytes, in an open-addressing hash table that is probed
 * straight from those bytes: from a counter's word buffer, or from the input itself for an ASCII
 * word, which is lower-cased eight bytes at a time on the way ({@link AsciiBlock}). A word
 * already seen costs no allocation and no copy. Not thread-safe.
 *
 * <p>A slot is three longs, two for the key and one for the count, so that counting a word
 * touches one cache line (at most two). A word of up to sixteen bytes (99 in 100 words of English
 * text) is its own key: its bytes in two blocks, zero-padded (words never contain a zero byte, so
 * the first block's first byte is not zero); finding it is two comparisons per probe. A longer
 * word's bytes are in a byte arena; its key's first block has a zero low byte, hash bits to
 * compare first, and the number of its arena location. Strings are made only once, by {@link
 * #toHistogram()}, already in histogram order: UTF-8 byte order is code point order.
 */
final class WordTable {

    /** Longs per slot: the key's two blocks and the count. */
    private static final int SLOT = 3;
    private static final int INITIAL_SLOTS_LOG = 10;
    /** The largest table made ahead of need, 2^20 slots (24 MB); more only by growing. */
    private static final int MAX_INITIAL_SLOTS_LOG = 20;
    /** Bytes after the last word that are always there, so that a word's last block reads whole. */
    private static final int PADDING = Long.BYTES;
    /** How many low bits of a sort key hold an entry number; see {@link #toHistogram()}. */
    private static final int INDEX_BITS = 24;
    /** Counts up to this are ordered by a counting sort in {@link #toHistogram()}. */
    private static final int BUCKETED_COUNTS = 1024;
    /** Runs this short are sorted by comparing their bytes directly. */
    private static final int INSERTION_SORT_THRESHOLD = 12;

    /** Slot {@code s} is {@code slots[3s, 3s + 3)}: the key's two blocks (0 if empty) and the count. */
    private long[] slots;
    /** A hash shifted right by this many bits is a slot number: 64 minus log2 of the slot count. */
    private int shift;
    /** The slot count minus one, for probing on (a field: dividing the array's length by three costs). */
    private int lastSlot;
    private int size;
    /** How many counted words have nine to sixteen bytes: they go to the arena for the histogram. */
    private int middleWords;
    /** Where each word longer than sixteen bytes is: {@code (long) arenaOffset << 32 | length}. */
    private long[] longWords = new long[64];
    private int longWordCount;
    /** The bytes of words longer than sixteen bytes, back to back, with {@link #PADDING} after them. */
    private byte[] arena = new byte[1024];
    private int arenaLength;

    WordTable() {
        this(0);
    }

    /**
     * A table sized for {@code expectedWords} distinct words (it grows past them), so that a
     * large document does not go through every smaller table first.
     */
    WordTable(int expectedWords) {
        // At most half the slots are taken: see insert.
        long needed = Math.max(1, 2L * expectedWords);
        int slotsLog = Math.max(INITIAL_SLOTS_LOG, Math.min(MAX_INITIAL_SLOTS_LOG, Long.SIZE - Long.numberOfLeadingZeros(needed - 1)));
        slots = new long[SLOT << slotsLog];
        shift = Long.SIZE - slotsLog;
        lastSlot = (1 << slotsLog) - 1;
    }

    /**
     * Counts one occurrence of the word in {@code bytes[offset, offset + length)}, lower-casing its
     * ASCII letters (other bytes must already be final: lower-cased, NFC, as UTF-8). The array must
     * have at least {@code offset + length} rounded up to the next block of eight readable bytes.
     */
    void add(byte[] bytes, int offset, int length) {
        long first = AsciiBlock.tableForm(AsciiBlock.read(bytes, offset));
        if (length <= Long.BYTES) {
            addShort(first & AsciiBlock.lowBytes(length), 0);
        } else if (length <= 2 * Long.BYTES) {
            addShort(first, AsciiBlock.tableForm(AsciiBlock.read(bytes, offset + Long.BYTES)) & AsciiBlock.lowBytes(length - Long.BYTES));
        } else {
            addLong(bytes, offset, length, longHash(first, bytes, offset, length));
        }
    }

    /**
     * {@link #add Counts} a word of one to sixteen bytes, given as its final (lower-cased) bytes in
     * two zero-padded blocks, the second 0 for a word of up to eight bytes. The common case, kept
     * small for the JIT to inline into the scan.
     */
    void addShort(long first, long second) {
        long[] table = slots;
        int last = lastSlot;
        for (int s = (int) (shortHash(first, second) >>> shift); ; s = s + 1 & last) {
            int i = SLOT * s;
            long key = table[i];
            if (key == first && table[i + 1] == second) {
                table[i + 2]++;
                return;
            }
            if (key == 0) {
                insert(i, first, second);
                return;
            }
        }
    }

    private void addLong(byte[] bytes, int offset, int length, long hash) {
        // The key's low 32 bits: hash bits over a zero low byte, which no short word's key has.
        int tag = (int) hash & ~0xFF;
        long[] table = slots;
        int last = lastSlot;
        for (int s = (int) (hash >>> shift); ; s = s + 1 & last) {
            int i = SLOT * s;
            long key = table[i];
            if (key == 0) {
                insert(i, (long) (addToArena(bytes, offset, length) + 1) << 32 | tag & 0xFFFFFFFFL, 0);
                return;
            }
            if ((int) key == tag && sameLongWord(longWords[(int) (key >>> 32) - 1], bytes, offset, length)) {
                table[i + 2]++;
                return;
            }
        }
    }

    /** A short word's hash: its high bits pick the slot. */
    private static long shortHash(long first, long second) {
        return ((first ^ first >>> 32) + second * 0xD6E8FEB86659FD93L) * 0x9E3779B97F4A7C15L;
    }

    /** A long word's hash from its first block (lower-cased): high bits pick the slot, low bits tag it. */
    private static long longHash(long first, byte[] bytes, int offset, int length) {
        long h = mix(0, first);
        int i = Long.BYTES;
        for (; length - i > Long.BYTES; i += Long.BYTES) {
            h = mix(h, AsciiBlock.tableForm(AsciiBlock.read(bytes, offset + i)));
        }
        h = mix(h, AsciiBlock.tableForm(AsciiBlock.read(bytes, offset + i)) & AsciiBlock.lowBytes(length - i));
        long x = (h ^ h >>> 32) * 0xD6E8FEB86659FD93L;
        return x ^ x >>> 32;
    }

    /**
     * The counted words as a histogram, in histogram order; the table must not be used afterwards.
     * Entries are sorted by count with one primitive sort, then each run of equal counts by its
     * words' bytes, again by primitive keys (a short word's eight bytes, a longer one's five bytes
     * at a time), so strings are never compared.
     */
    Histogram toHistogram() {
        int n = size;
        long[] counts = new long[n];
        long[] words = new long[n];
        boolean[] inArena = new boolean[n];
        // The taken slots' numbers first, without a branch per slot: most tables are sparse, and
        // whether the next slot is taken is a coin toss the branch predictor loses.
        int[] taken = new int[n + 1];
        for (int i = 0, e = 0; i < slots.length; i += SLOT) {
            taken[e] = i;
            e += slots[i] != 0 ? 1 : 0;
        }
        // Words of nine to sixteen bytes join the long ones in the arena, for the sort.
        ensureArena(2 * Long.BYTES * middleWords);
        long maxCount = 0;
        long shortBytes = 0;
        for (int e = 0; e < n; e++) {
            int i = taken[e];
            long key = slots[i];
            long second = slots[i + 1];
            counts[e] = slots[i + 2];
            if (isLong(key)) {
                words[e] = longWords[(int) (key >>> 32) - 1];
                inArena[e] = true;
            } else if (second != 0) {
                words[e] = addBlocksToArena(key, second);
                inArena[e] = true;
            } else {
                words[e] = AsciiBlock.fromTableForm(key);
                shortBytes += AsciiBlock.wordLength(words[e]);
            }
            maxCount = Math.max(maxCount, counts[e]);
        }
        // Back from the table's form to UTF-8 (what lies past the last word is padding).
        for (int i = 0; i < arenaLength; i += Long.BYTES) {
            AsciiBlock.write(arena, i, AsciiBlock.fromTableForm(AsciiBlock.read(arena, i)));
        }
        slots = null;
        longWords = null;
        Entries entries = new Entries(words, inArena, arena);
        if (n >= 1 << INDEX_BITS) {
            // Too large for the keys: let the histogram sort the strings.
            String[] strings = new String[n];
            for (int e = 0; e < n; e++) {
                strings[e] = entries.string(e);
            }
            return Histogram.sorting(strings, counts);
        }
        long[] keys = byCount(counts, maxCount);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) (keys[i] & ((1 << INDEX_BITS) - 1));
        }
        // From here on a run's count is read from its keys, and counts is the arena sort's scratch.
        // Every word is in the arena, but those of up to eight bytes; a block to spare at the end.
        Utf8Words out = new Utf8Words(arenaLength + shortBytes + Long.BYTES, n);
        long[] sortedCounts = new long[n];
        for (int from = 0; from < n; ) {
            long countKey = keys[from] >>> INDEX_BITS;
            int to = from + 1;
            while (to < n && keys[to] >>> INDEX_BITS == countKey) {
                to++;
            }
            Arrays.fill(sortedCounts, from, to, maxCount - countKey);
            sortRun(entries, order, keys, counts, out, from, to);
            from = to;
        }
        arena = null;
        return Histogram.inOrderUtf8(out.bytes, out.offsets, sortedCounts);
    }

    /**
     * The entries as sort keys, {@code (maxCount - count) << INDEX_BITS | entry}, in ascending
     * order: most frequent first, entries of equal count by number. Most words of a text occur a
     * few times, so counts up to {@link #BUCKETED_COUNTS} are placed by a counting sort (two passes
     * over the counts instead of a sort of them all, which cost a tenth of a large text's
     * histogram); the few above it are sorted.
     */
    private static long[] byCount(long[] counts, long maxCount) {
        int n = counts.length;
        int[] starts = new int[BUCKETED_COUNTS + 1];
        int frequent = 0;
        for (long count : counts) {
            if (count > BUCKETED_COUNTS) {
                frequent++;
            } else {
                starts[(int) count]++;
            }
        }
        long[] keys = new long[n];
        // Bucket c starts after the frequent words and every bucket of a higher count.
        int next = frequent;
        for (int c = BUCKETED_COUNTS; c >= 1; c--) {
            int size = starts[c];
            starts[c] = next;
            next += size;
        }
        int f = 0;
        for (int e = 0; e < n; e++) {
            long count = counts[e];
            long key = (maxCount - count) << INDEX_BITS | e;
            if (count > BUCKETED_COUNTS) {
                keys[f++] = key;
            } else {
                keys[starts[(int) count]++] = key;
            }
        }
        Arrays.sort(keys, 0, frequent);
        return keys;
    }

    /**
     * Appends the words of the run {@code order[from, to)}, which share their count, to
     * {@code out} in byte order. Words of up to eight bytes (most of a run) are
     * sorted as their bytes read big-endian, with no entry number, so {@code keys[from, to)} can
     * hold them; the others by {@link Entries#sortByBytes} (with {@code scratch}); then the two
     * are merged. An arena word is longer than eight bytes, so a short word equal to its first
     * eight bytes goes first.
     */
    private static void sortRun(Entries entries, int[] order, long[] keys, long[] scratch, Utf8Words out, int from, int to) {
        if (to - from == 1) {
            entries.appendTo(out, order[from]);
            return;
        }
        int shortEnd = from;
        int arenaEnd = from;
        for (int i = from; i < to; i++) {
            int e = order[i];
            if (entries.inArena[e]) {
                order[arenaEnd++] = e;
            } else {
                // Flipping the sign bit makes the signed sort an unsigned one.
                keys[shortEnd++] = Long.reverseBytes(entries.words[e]) ^ Long.MIN_VALUE;
            }
        }
        Arrays.sort(keys, from, shortEnd);
        if (arenaEnd - from > 1) {
            entries.sortByBytes(order, from, arenaEnd, scratch, 0);
        }
        int s = from;
        int a = from;
        // The first eight bytes of the next arena word, big-endian, read once per arena word.
        long arenaHead = a < arenaEnd ? Long.reverseBytes(entries.blockAt(order[a], 0)) : 0;
        for (int i = from; i < to; i++) {
            if (a == arenaEnd || s < shortEnd && Long.compareUnsigned(keys[s] ^ Long.MIN_VALUE, arenaHead) <= 0) {
                out.appendShort(Long.reverseBytes(keys[s++] ^ Long.MIN_VALUE));
            } else {
                entries.appendTo(out, order[a++]);
                if (a < arenaEnd) {
                    arenaHead = Long.reverseBytes(entries.blockAt(order[a], 0));
                }
            }
        }
    }

    /** Whether a key is that of a word longer than sixteen bytes: a short word's first byte is not zero. */
    private static boolean isLong(long key) {
        return (key & 0xFF) == 0;
    }

    /** Whether the long word at {@code location} in the arena is the given one. */
    private boolean sameLongWord(long location, byte[] bytes, int offset, int length) {
        if ((int) location != length) {
            return false;
        }
        int start = (int) (location >>> 32);
        byte[] words = arena;
        int i = 0;
        for (; length - i > Long.BYTES; i += Long.BYTES) {
            if (AsciiBlock.read(words, start + i) != AsciiBlock.tableForm(AsciiBlock.read(bytes, offset + i))) {
                return false;
            }
        }
        long difference = AsciiBlock.read(words, start + i) ^ AsciiBlock.tableForm(AsciiBlock.read(bytes, offset + i));
        return (difference & AsciiBlock.lowBytes(length - i)) == 0;
    }

    /** Copies a long word, lower-cased, to the arena; returns the number of its location. */
    private int addToArena(byte[] bytes, int offset, int length) {
        ensureArena(length);
        // Whole blocks, lower-cased; what lands past the word is overwritten by the next one.
        for (int i = 0; i < length; i += Long.BYTES) {
            AsciiBlock.write(arena, arenaLength + i, AsciiBlock.tableForm(AsciiBlock.read(bytes, offset + i)));
        }
        if (longWordCount == longWords.length) {
            longWords = Arrays.copyOf(longWords, longWordCount * 2);
        }
        longWords[longWordCount] = (long) arenaLength << 32 | length;
        arenaLength += length;
        return longWordCount++;
    }

    /** Copies a word of nine to sixteen bytes to the arena; returns its location. */
    private long addBlocksToArena(long first, long second) {
        ensureArena(2 * Long.BYTES);
        AsciiBlock.write(arena, arenaLength, first);
        AsciiBlock.write(arena, arenaLength + Long.BYTES, second);
        int length = Long.BYTES + AsciiBlock.wordLength(second);
        long location = (long) arenaLength << 32 | length;
        arenaLength += length;
        return location;
    }

    private void ensureArena(int length) {
        int blocksLength = (length + Long.BYTES - 1) & -Long.BYTES;
        if (arena.length - arenaLength < blocksLength + PADDING) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaLength + blocksLength + PADDING));
        }
    }

    private void insert(int i, long first, long second) {
        slots[i] = first;
        slots[i + 1] = second;
        slots[i + 2] = 1;
        size++;
        middleWords += second != 0 ? 1 : 0;
        // Linear probing stays short while at most half the slots are taken.
        if (size > slots.length / SLOT >>> 1) {
            grow();
        }
    }

    private void grow() {
        long[] old = slots;
        long[] table = new long[old.length << 1];
        shift--;
        lastSlot = lastSlot << 1 | 1;
        int last = lastSlot;
        for (int j = 0; j < old.length; j += SLOT) {
            long key = old[j];
            if (key != 0) {
                int s = (int) (hashOf(key, old[j + 1]) >>> shift);
                while (table[SLOT * s] != 0) {
                    s = s + 1 & last;
                }
                System.arraycopy(old, j, table, SLOT * s, SLOT);
            }
        }
        slots = table;
    }

    /** The hash of a counted word, from its key (and for a long word, its bytes in the arena). */
    private long hashOf(long first, long second) {
        if (!isLong(first)) {
            return shortHash(first, second);
        }
        long location = longWords[(int) (first >>> 32) - 1];
        int start = (int) (location >>> 32);
        return longHash(AsciiBlock.read(arena, start), arena, start, (int) location);
    }

    /** Folds one block of eight bytes into a word's hash. */
    private static long mix(long h, long block) {
        return Long.rotateLeft((h ^ block) * 0x9E3779B97F4A7C15L, 23);
    }

    /**
     * The counted words, once the table is done: entry {@code e} is {@code words[e]}, the bytes of
     * a word of up to eight bytes, or if {@code inArena[e]}, its arena location.
     */
    private static final class Entries {

        private final long[] words;
        private final boolean[] inArena;
        private final byte[] arena;

        Entries(long[] words, boolean[] inArena, byte[] arena) {
            this.words = words;
            this.inArena = inArena;
            this.arena = arena;
        }

        /** The word of the entry as a String (for histograms too large for the byte sort). */
        String string(int e) {
            long word = words[e];
            if (inArena[e]) {
                return new String(arena, (int) (word >>> 32), (int) word, StandardCharsets.UTF_8);
            }
            byte[] bytes = new byte[Long.BYTES];
            AsciiBlock.write(bytes, 0, word);
            return new String(bytes, 0, AsciiBlock.wordLength(word), StandardCharsets.UTF_8);
        }

        void appendTo(Utf8Words out, int e) {
            long word = words[e];
            if (inArena[e]) {
                out.append(arena, (int) (word >>> 32), (int) word);
            } else {
                out.appendShort(word);
            }
        }

        /**
         * Sorts the entries {@code order[from, to)}, which share their first {@code depth} bytes, by
         * their bytes, using {@code keys[from, to)} as scratch: by the next five bytes as primitive
         * keys, then each group that shares those too, one level deeper (most groups are tiny).
         */
        void sortByBytes(int[] order, int from, int to, long[] keys, int depth) {
            if (to - from <= INSERTION_SORT_THRESHOLD) {
                insertionSortByBytes(order, from, to);
                return;
            }
            // Key: five bytes, big-endian, then the position in the run; flipping the sign bit makes
            // the signed sort an unsigned one. Words never contain a zero byte, so the zero padding
            // of a shorter word sorts it first, as it should.
            for (int i = from; i < to; i++) {
                long prefix = Long.reverseBytes(blockAt(order[i], depth)) >>> 24;
                keys[i] = (prefix << INDEX_BITS | (i - from)) ^ Long.MIN_VALUE;
            }
            Arrays.sort(keys, from, to);
            int[] run = Arrays.copyOfRange(order, from, to);
            for (int i = from; i < to; i++) {
                order[i] = run[(int) (keys[i] & ((1 << INDEX_BITS) - 1))];
            }
            for (int i = from; i < to; ) {
                long group = keys[i] >>> INDEX_BITS;
                int j = i + 1;
                while (j < to && keys[j] >>> INDEX_BITS == group) {
                    j++;
                }
                if (j - i > 1) {
                    sortByBytes(order, i, j, keys, depth + 5);
                }
                i = j;
            }
        }

        private void insertionSortByBytes(int[] order, int from, int to) {
            for (int i = from + 1; i < to; i++) {
                int e = order[i];
                int j = i - 1;
                while (j >= from && compareBytes(e, order[j]) < 0) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = e;
            }
        }

        /** Compares two distinct words by their bytes, unsigned, a block at a time. */
        private int compareBytes(int a, int b) {
            for (int at = 0; ; at += Long.BYTES) {
                long x = blockAt(a, at);
                long y = blockAt(b, at);
                if (x != y) {
                    return Long.compareUnsigned(Long.reverseBytes(x), Long.reverseBytes(y));
                }
            }
        }

        /** The eight bytes of entry {@code e} from its byte {@code at} on, zero-padded past its end. */
        long blockAt(int e, int at) {
            long location = words[e];
            if (!inArena[e]) {
                return at >= Long.BYTES ? 0 : location >>> (8 * at);
            }
            int remaining = (int) location - at;
            if (remaining <= 0) {
                return 0;
            }
            long block = AsciiBlock.read(arena, (int) (location >>> 32) + at);
            return remaining >= Long.BYTES ? block : block & AsciiBlock.lowBytes(remaining);
        }
    }

    /** A histogram's words as UTF-8, appended in histogram order, back to back. */
    private static final class Utf8Words {

        final byte[] bytes;
        final int[] offsets;
        private int count;
        private int length;

        /** Room for {@code capacity} bytes (the words and a block to spare) and the words' offsets. */
        Utf8Words(long capacity, int words) {
            if (capacity > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("histogram words exceed an array: " + capacity + " bytes");
            }
            bytes = new byte[(int) capacity];
            offsets = new int[words + 1];
        }

        /** Appends a word of up to eight bytes, given as its zero-padded block. */
        void appendShort(long word) {
            // A whole block: the bytes past the word are overwritten by the next one.
            AsciiBlock.write(bytes, length, word);
            length += AsciiBlock.wordLength(word);
            offsets[++count] = length;
        }

        void append(byte[] source, int offset, int wordLength) {
            System.arraycopy(source, offset, bytes, length, wordLength);
            length += wordLength;
            offsets[++count] = length;
        }
    }
}
