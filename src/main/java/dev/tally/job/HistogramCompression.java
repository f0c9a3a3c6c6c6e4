package dev.tally.job;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.util.Native;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compresses stored histograms with zstd at level 1, and reads both zstd and zlib data (results
 * stored before zstd, or by a process whose platform has no zstd native library, which falls back
 * to zlib). zstd at level 1 takes a half to a third of the time of zlib at its fastest level, at
 * a size 5 % larger (docs/benchmarks-history.md), and sizes its tables to the input.
 *
 * <p>Compression contexts hold native memory and are reused through small pools.
 */
final class HistogramCompression {

    private static final Logger log = LoggerFactory.getLogger(HistogramCompression.class);

    /** A zstd frame starts with this magic number, little-endian; no zlib header has these first bytes. */
    private static final byte[] ZSTD_MAGIC = {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD};
    /** zstd data decompressing to at most this many bytes is decompressed whole; larger is streamed. */
    private static final int WHOLE_DECOMPRESSION_LIMIT = 1 << 20;
    private static final boolean ZSTD = zstdLoads();

    private static final Pool<ZstdCompressCtx> ZSTD_CONTEXTS = new Pool<>(
            () -> new ZstdCompressCtx().setLevel(1), ZstdCompressCtx::close);
    private static final Pool<ZstdDecompressCtx> ZSTD_DECOMPRESSORS = new Pool<>(
            ZstdDecompressCtx::new, ZstdDecompressCtx::close);
    private static final Pool<Deflater> DEFLATERS = new Pool<>(() -> new Deflater(Deflater.BEST_SPEED), Deflater::end);

    private HistogramCompression() {
    }

    /** Whether new data is written as zstd (else zlib). */
    static boolean writesZstd() {
        return ZSTD;
    }

    /** Compresses {@code input[0, length)}. */
    static byte[] compress(byte[] input, int length) {
        return ZSTD ? zstd(input, length) : zlib(input, length);
    }

    /** Compresses {@code input[0, length)} as zlib, as stored before zstd (and where zstd is missing). */
    private static byte[] zlib(byte[] input, int length) {
        Deflater deflater = DEFLATERS.take();
        try {
            deflater.setInput(input, 0, length);
            deflater.finish();
            // zlib's bound for incompressible input is a few bytes per 16 KB over the input.
            byte[] out = new byte[length + (length >>> 12) + 64];
            int written = 0;
            while (!deflater.finished()) {
                if (written == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                written += deflater.deflate(out, written, out.length - written);
            }
            return Arrays.copyOf(out, written);
        } finally {
            deflater.reset();
            DEFLATERS.give(deflater);
        }
    }

    private static byte[] zstd(byte[] input, int length) {
        ZstdCompressCtx context = ZSTD_CONTEXTS.take();
        try {
            byte[] out = new byte[(int) Zstd.compressBound(length)];
            int written = context.compressByteArray(out, 0, out.length, input, 0, length);
            return Arrays.copyOf(out, written);
        } finally {
            ZSTD_CONTEXTS.give(context);
        }
    }

    /** The uncompressed bytes of stored data, zstd or zlib, as a stream the caller closes. */
    static InputStream open(byte[] stored) throws IOException {
        if (!isZstd(stored)) {
            // Buffers no larger than the data needs: most stored histograms are a few kilobytes.
            int bufferSize = Math.max(512, Math.min(64 * 1024, stored.length));
            return new InflaterInputStreamOwningItsInflater(new ByteArrayInputStream(stored), bufferSize);
        }
        if (!ZSTD) {
            throw new IOException("stored histogram is zstd-compressed, but zstd's native library does not load here");
        }
        long size = Zstd.getFrameContentSize(stored);
        if (size >= 0 && size <= WHOLE_DECOMPRESSION_LIMIT) {
            ZstdDecompressCtx context = ZSTD_DECOMPRESSORS.take();
            try {
                return new ByteArrayInputStream(context.decompress(stored, (int) size));
            } catch (ZstdException e) {
                // As the streaming path and zlib report damaged data: an IOException.
                throw new IOException("damaged zstd data: " + e.getMessage(), e);
            } finally {
                ZSTD_DECOMPRESSORS.give(context);
            }
        }
        return new BufferedInputStream(new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(stored),
                RecyclingBufferPool.INSTANCE), 64 * 1024);
    }

    private static boolean isZstd(byte[] stored) {
        return stored.length >= ZSTD_MAGIC.length && Arrays.equals(stored, 0, ZSTD_MAGIC.length, ZSTD_MAGIC, 0, ZSTD_MAGIC.length);
    }

    private static boolean zstdLoads() {
        try {
            Native.load();
            return true;
        } catch (RuntimeException | LinkageError e) {
            log.warn("zstd's native library does not load on this platform; stored histograms are written with zlib: {}",
                    e.toString());
            return false;
        }
    }

    /** An inflating stream that ends its own inflater's native memory when closed. */
    private static final class InflaterInputStreamOwningItsInflater extends InflaterInputStream {

        InflaterInputStreamOwningItsInflater(InputStream in, int bufferSize) {
            super(in, new Inflater(), bufferSize);
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                inf.end();
            }
        }
    }

    /**
     * Reusable native-backed objects: a few are kept, more may be in use at once, and extra ones
     * are released after use.
     */
    private static final class Pool<T> {

        private static final int KEPT = 8;
        private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
        private final AtomicInteger idleCount = new AtomicInteger();
        private final Supplier<T> create;
        private final Consumer<T> release;

        Pool(Supplier<T> create, Consumer<T> release) {
            this.create = create;
            this.release = release;
        }

        T take() {
            T item = idle.poll();
            if (item == null) {
                return create.get();
            }
            idleCount.decrementAndGet();
            return item;
        }

        void give(T item) {
            if (idleCount.incrementAndGet() <= KEPT) {
                idle.offer(item);
            } else {
                idleCount.decrementAndGet();
                release.accept(item);
            }
        }
    }
}
