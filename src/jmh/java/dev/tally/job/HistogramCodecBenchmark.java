package dev.tally.job;

import dev.tally.jmh.Bytes;
import dev.tally.jmh.Corpus;
import dev.tally.text.DocumentType;
import dev.tally.text.Histogram;
import dev.tally.text.TextAnalyzer;
import dev.tally.text.WordCount;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Storing and reading back the corpus histogram as {@link JobAttempts#succeed} and the result
 * endpoints do. The {@code bytes} secondary result counts the uncompressed entry bytes (varint
 * count, varint length, UTF-8 word) of the entries handled, per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Threads(1)
public class HistogramCodecBenchmark {

    @Param(Corpus.SAMPLE)
    public String corpus;

    private Histogram histogram;
    private Histogram pageHistogram;
    private byte[] top;
    private byte[] all;
    private long topRawBytes;
    private long allRawBytes;

    @Setup
    public void load() {
        Corpus loaded = Corpus.load(corpus);
        histogram = new TextAnalyzer().countDocument(loaded.text(), DocumentType.PLAIN_TEXT, "utf-8");
        pageHistogram = new TextAnalyzer().countDocument(loaded.page(), DocumentType.HTML, null);
        HistogramCodec.Stored stored = HistogramCodec.encode(histogram, Jobs.MAX_TOP_WORDS);
        top = stored.top();
        all = stored.all();
        topRawBytes = rawBytes(histogram, Jobs.MAX_TOP_WORDS);
        allRawBytes = rawBytes(histogram, Integer.MAX_VALUE);
        System.out.printf("# histogram: %d distinct words; full %d raw -> %d stored bytes; top %d: %d -> %d%n",
                histogram.distinctWords(), allRawBytes, all.length, Jobs.MAX_TOP_WORDS, topRawBytes, top.length);
    }

    /** What succeed() stores: the top 100 and the full histogram. */
    @Benchmark
    public void encodeTopAndFull(Bytes counter, Blackhole blackhole) {
        counter.bytes += topRawBytes + allRawBytes;
        blackhole.consume(HistogramCodec.encode(histogram, Jobs.MAX_TOP_WORDS));
    }

    /** What succeed() stores for the ~100 KB page, the unit of work of a URL job (ops/s: pages). */
    @Benchmark
    public HistogramCodec.Stored encodePage() {
        return HistogramCodec.encode(pageHistogram, Jobs.MAX_TOP_WORDS);
    }

    @Benchmark
    public byte[] encodeFull(Bytes counter) {
        counter.bytes += allRawBytes;
        return HistogramCodec.encode(histogram, Integer.MAX_VALUE).all();
    }

    /** Reading the top words for a job view. */
    @Benchmark
    public List<WordCount> decodeTop(Bytes counter) {
        counter.bytes += topRawBytes;
        return HistogramCodec.decode(top, 0, Jobs.MAX_TOP_WORDS);
    }

    /** Reading every entry of the full histogram, as an export does. */
    @Benchmark
    public void decodeFull(Bytes counter, Blackhole blackhole) {
        counter.bytes += allRawBytes;
        HistogramCodec.forEach(all, 0, Long.MAX_VALUE, blackhole::consume);
    }

    static long rawBytes(Histogram histogram, int limit) {
        long total = 0;
        int n = Math.min(limit, histogram.distinctWords());
        for (int i = 0; i < n; i++) {
            int length = histogram.word(i).getBytes(StandardCharsets.UTF_8).length;
            total += varLongSize(histogram.count(i)) + varLongSize(length) + length;
        }
        return total;
    }

    private static int varLongSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }
}
