package dev.tally.text;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes of text read as one little-endian long, classified and lower-cased all at once
 * (SWAR: SIMD within a register). Byte {@code k} of the array is bits {@code 8k..8k+7} of the
 * long. Every per-byte test adds to the low seven bits only, so no carry crosses into the next
 * byte, and bytes at or above 0x80 (UTF-8 sequences) are never ASCII word characters nor
 * changed by {@link #lower} or {@link #tableForm}. {@link #separators} reads eight blocks and
 * folds them into one bit per byte.
 */
final class AsciiBlock {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_BITS = 0x7F7F7F7F7F7F7F7FL;

    private AsciiBlock() {
    }

    /** The eight bytes at {@code bytes[offset, offset + 8)}. */
    static long read(byte[] bytes, int offset) {
        return (long) LONGS.get(bytes, offset);
    }

    /** Stores {@code block} at {@code bytes[offset, offset + 8)}. */
    static void write(byte[] bytes, int offset, long block) {
        LONGS.set(bytes, offset, block);
    }

    /**
     * 0x80 in every byte of {@code block} that is not an ASCII word character ({@code [0-9A-Za-z_]}),
     * 0 in the others; so the first such byte is {@code numberOfTrailingZeros >>> 3}.
     */
    static long nonWordBytes(long block) {
        long x = block & LOW_BITS;
        long letters = x | 0x2020202020202020L; // 'A'..'Z' -> 'a'..'z'; no other byte lands in 'a'..'z'
        long word = inRange(letters, 'a', 'z') | inRange(x, '0', '9') | inRange(x, '_', '_');
        return (~word | block) & HIGH_BITS; // bit 7 of the block itself marks the non-ASCII bytes
    }

    /**
     * 0x80 in every byte of {@code block} that is an ASCII word character or not ASCII at all,
     * 0 in the others: where a scan that skips separators must stop.
     */
    static long wordOrNonAsciiBytes(long block) {
        return ~nonWordBytes(block) & HIGH_BITS | block & HIGH_BITS;
    }

    /**
     * One bit per byte of the 64 at {@code bytes[offset, offset + 64)}: bit {@code k} is set if byte
     * {@code offset + k} is a separator, an ASCII byte that is neither a word character nor an
     * apostrophe. Such a byte always ends a word, whatever surrounds it; every other byte (word
     * character, apostrophe, part of a UTF-8 sequence) may belong to one.
     */
    static long separators(byte[] bytes, int offset) {
        long mask = 0;
        for (int k = 0; k < Long.SIZE; k += Long.BYTES) {
            mask |= gather(separatorBytes(read(bytes, offset + k))) << k;
        }
        return mask;
    }

    /** 0x80 in every byte of {@code block} that is a {@link #separators separator}, 0 in the others. */
    static long separatorBytes(long block) {
        long x = block & LOW_BITS;
        long letters = x | 0x2020202020202020L;
        // Bit 7 only is kept, once, at the end: the four tests leave garbage in the low bits.
        long member = rangeBits(letters, 'a', 'z') | rangeBits(x, '0', '9') | rangeBits(x, '_', '_') | rangeBits(x, '\'', '\'');
        return ~(member | block) & HIGH_BITS;
    }

    /**
     * Whether two blocks hold only ASCII word characters and zero padding: no apostrophe and no byte
     * of a UTF-8 sequence. Meant for bytes known to hold no separator.
     */
    static boolean plainWords(long first, long second) {
        return ((first | second | apostrophes(first) | apostrophes(second)) & HIGH_BITS) == 0;
    }

    /** Bit 7 set in some byte if and only if {@code block} holds an apostrophe. */
    private static long apostrophes(long block) {
        long x = block ^ 0x2727272727272727L; // apostrophes become zero bytes
        return (x - ONES) & ~x;
    }

    /** Bit 7 of each byte of {@code bytes} (other bits zero) gathered into bits 0..7, byte k to bit k. */
    private static long gather(long bytes) {
        // Byte k's bit 7, moved to bit 8k, times 2^(56 - 7k) lands on bit 56 + k; no two terms meet.
        return (bytes >>> 7) * 0x0102040810204080L >>> 56;
    }

    /** {@code block} with 'A'..'Z' lower-cased; every other byte unchanged. */
    static long lower(long block) {
        long upper = inRange(block & LOW_BITS, 'A', 'Z') & ~block;
        return block | (upper >>> 2);
    }

    /**
     * {@code block} in the word table's form: 'A'..'Z' lower-cased and '_' stored as 0x7F (DEL,
     * which is never part of a word); every other byte unchanged. In this form every ASCII word
     * character has bit 5 set, so a block of them takes it with one OR ({@link #plainTableForm}).
     */
    static long tableForm(long block) {
        long x = block & LOW_BITS;
        long raise = (inRange(x, 'A', 'Z') | inRange(x, '_', '_')) & ~block;
        return block | (raise >>> 2);
    }

    /**
     * The {@link #tableForm table form} of the bytes of {@code block} that {@code mask} selects,
     * all ASCII word characters, the others zero: bit 5 set in each selected byte.
     */
    static long plainTableForm(long block, long mask) {
        return (block | 0x2020202020202020L) & mask;
    }

    /** A block in the word table's form back to its UTF-8 bytes: 0x7F back to '_'. */
    static long fromTableForm(long block) {
        long del = ((block & LOW_BITS) + ONES) & ~block & HIGH_BITS;
        return block ^ (del >>> 2);
    }

    /** The length of a word of up to eight bytes in its zero-padded block: words have no zero bytes. */
    static int wordLength(long block) {
        return (Long.SIZE - Long.numberOfLeadingZeros(block) + 7) >>> 3;
    }

    /** A mask of the low {@code bytes} bytes, for 1 <= bytes <= 8. */
    static long lowBytes(int bytes) {
        return -1L >>> (Long.SIZE - 8 * bytes);
    }

    /**
     * 0x80 in each byte of {@code x} (all bytes below 0x80) that lies in {@code [low, high]}: adding
     * {@code 0x80 - low} sets bit 7 from {@code low} up, adding {@code 0x7F - high} from above {@code high}.
     */
    private static long inRange(long x, int low, int high) {
        return rangeBits(x, low, high) & HIGH_BITS;
    }

    /** {@link #inRange} in bit 7 of each byte, and anything in the other bits. */
    private static long rangeBits(long x, int low, int high) {
        long atLeastLow = x + (0x80 - low) * ONES;
        long aboveHigh = x + (0x7F - high) * ONES;
        return atLeastLow & ~aboveHigh;
    }
}
