package dev.tally.job;

import dev.tally.text.Histogram;
import dev.tally.text.WordCount;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stores a histogram compactly: compressed {@code (varint count, varint length, UTF-8 word)}
 * entries in histogram order ({@link HistogramCompression}: zstd, or zlib as stored before). A
 * Gutenberg book's tens of thousands of words take a few hundred kilobytes this way, and readers
 * can stop after the first entries they need.
 *
 * <p>A job stores two forms, its first entries and all of them; {@link #encode(Histogram, int)}
 * writes the entries once and compresses both from the same bytes.
 */
final class HistogramCodec {

    private HistogramCodec() {
    }

    /** A histogram's two stored forms; {@code top} and {@code all} are the same array when it has no more entries than the top. */
    record Stored(byte[] top, byte[] all) {

        /** Whether the top holds every entry (then it is the same array as {@code all}). */
        boolean topIsAll() {
            return top == all;
        }
    }

    /** Both stored forms of {@code histogram}: its first {@code topLimit} entries and all of them. */
    static Stored encode(Histogram histogram, int topLimit) {
        var entries = new EntryBytes(Math.max(64, Math.min(histogram.distinctWords(), 1 << 20) * 8));
        int[] topEnd = {-1};
        histogram.forEachUtf8((index, word, offset, length, count) -> {
            if (index == topLimit) {
                topEnd[0] = entries.length;
            }
            entries.writeVarLong(count);
            entries.writeVarLong(length);
            entries.write(word, offset, length);
        });
        byte[] all = HistogramCompression.compress(entries.bytes, entries.length);
        return new Stored(topEnd[0] < 0 ? all : HistogramCompression.compress(entries.bytes, topEnd[0]), all);
    }

    /** The entries before compressing: a growing byte array. */
    private static final class EntryBytes {

        byte[] bytes;
        int length;

        EntryBytes(int capacity) {
            bytes = new byte[capacity];
        }

        void writeVarLong(long value) {
            ensure(10);
            while ((value & ~0x7FL) != 0) {
                bytes[length++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            bytes[length++] = (byte) value;
        }

        void write(byte[] word, int offset, int wordLength) {
            ensure(wordLength);
            System.arraycopy(word, offset, bytes, length, wordLength);
            length += wordLength;
        }

        private void ensure(int more) {
            if (bytes.length - length < more) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    static List<WordCount> decode(byte[] data, long offset, int limit) {
        List<WordCount> words = new ArrayList<>(Math.min(limit, 1024));
        forEach(data, offset, limit, words::add);
        return words;
    }

    /** Visits up to {@code limit} entries starting at entry {@code offset}. */
    static void forEach(byte[] data, long offset, long limit, EntryVisitor visitor) {
        try (InputStream in = HistogramCompression.open(data)) {
            long index = 0;
            long taken = 0;
            byte[] buffer = new byte[64];
            while (taken < limit) {
                long count = readVarLong(in);
                if (count < 0) {
                    return;
                }
                int length = (int) readVarLong(in);
                if (index < offset) {
                    in.skipNBytes(length);
                    index++;
                    continue;
                }
                if (buffer.length < length) {
                    buffer = new byte[Math.max(length, buffer.length * 2)];
                }
                in.readNBytes(buffer, 0, length);
                visitor.visit(new WordCount(new String(buffer, 0, length, StandardCharsets.UTF_8), count));
                index++;
                taken++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt stored histogram", e);
        }
    }

    /** Receives decoded entries. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(WordCount entry) throws IOException;
    }

    /** @return the value, or -1 at a clean end of stream */
    private static long readVarLong(InputStream in) throws IOException {
        long value = 0;
        int shift = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (shift == 0) {
                    return -1;
                }
                throw new EOFException("truncated varint");
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
            shift += 7;
            if (shift > 63) {
                throw new IOException("varint too long");
            }
        }
    }
}
