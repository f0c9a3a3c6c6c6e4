package dev.tally.job;

import dev.tally.text.Histogram;
import dev.tally.text.WordCount;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Stores a histogram compactly: deflated {@code (varint count, varint length, UTF-8 word)}
 * entries in histogram order. A Gutenberg book's tens of thousands of words take a few hundred
 * kilobytes this way, and readers can stop after the first entries they need.
 */
final class HistogramCodec {

    private HistogramCodec() {
    }

    static byte[] encode(Histogram histogram, int limit) {
        int n = Math.min(limit, histogram.distinctWords());
        var bytes = new ByteArrayOutputStream(Math.max(64, n * 4));
        var deflater = new Deflater(Deflater.BEST_SPEED);
        // Buffered: the entries are written a byte at a time, and a deflater stream handles each
        // write call as a block of its own.
        try (var out = new java.io.BufferedOutputStream(new DeflaterOutputStream(bytes, deflater, 64 * 1024), 64 * 1024)) {
            for (int i = 0; i < n; i++) {
                writeVarLong(out, histogram.count(i));
                byte[] word = histogram.word(i).getBytes(StandardCharsets.UTF_8);
                writeVarLong(out, word.length);
                out.write(word);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    static List<WordCount> decode(byte[] data, long offset, int limit) {
        List<WordCount> words = new ArrayList<>(Math.min(limit, 1024));
        forEach(data, offset, limit, words::add);
        return words;
    }

    /** Visits up to {@code limit} entries starting at entry {@code offset}. */
    static void forEach(byte[] data, long offset, long limit, EntryVisitor visitor) {
        var inflater = new java.util.zip.Inflater();
        try (InputStream in = new java.io.BufferedInputStream(
                new InflaterInputStream(new ByteArrayInputStream(data), inflater, 64 * 1024), 64 * 1024)) {
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
        } finally {
            inflater.end();
        }
    }

    /** Receives decoded entries. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(WordCount entry) throws IOException;
    }

    private static void writeVarLong(OutputStream out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
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
