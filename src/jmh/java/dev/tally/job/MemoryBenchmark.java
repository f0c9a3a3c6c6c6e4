package dev.tally.job;

import dev.tally.jmh.Bytes;
import dev.tally.jmh.Corpus;
import dev.tally.text.DocumentType;
import dev.tally.text.Histogram;
import dev.tally.text.TextAnalyzer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The memory targets, in a JVM limited to 512 MB of heap: a 10 MB HTML page, and a text of one
 * million distinct words counted, stored (top 100 + full) and read back. A run that completes
 * is the check (an OutOfMemoryError fails the benchmark); {@code -prof gc} adds the allocation
 * per operation, and the trial prints the heap's peak use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class MemoryBenchmark {

    static final int LARGE_PAGE_BYTES = 10 * 1000 * 1000;
    static final int DISTINCT_WORDS = 1_000_000;

    @Param(Corpus.SAMPLE)
    public String corpus;

    private final TextAnalyzer analyzer = new TextAnalyzer();
    private byte[] largePage;
    private byte[] millionWordsText;
    private Histogram millionWords;
    private byte[] millionWordsStored;

    @Setup
    public void load() {
        largePage = Corpus.load(corpus).htmlOfSize(LARGE_PAGE_BYTES);
        millionWordsText = distinctWordsText(DISTINCT_WORDS);
        millionWords = analyzer.countDocument(millionWordsText, DocumentType.PLAIN_TEXT, "utf-8");
        if (millionWords.distinctWords() != DISTINCT_WORDS + 1) {
            throw new IllegalStateException("expected " + (DISTINCT_WORDS + 1) + " words: " + millionWords);
        }
        millionWordsStored = HistogramCodec.encode(millionWords, Integer.MAX_VALUE).all();
        System.out.printf("# large page %d bytes; million-word text %d bytes, stored histogram %d bytes%n",
                largePage.length, millionWordsText.length, millionWordsStored.length);
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** A 10 MB HTML page through jsoup and the counter. */
    @Benchmark
    public Histogram countLargePage(Bytes counter) {
        counter.bytes += largePage.length;
        return analyzer.countDocument(largePage, DocumentType.HTML, null);
    }

    /** Counting a plain text of a million distinct words (plus "and" between them). */
    @Benchmark
    public Histogram countMillionWords(Bytes counter) {
        counter.bytes += millionWordsText.length;
        return analyzer.countDocument(millionWordsText, DocumentType.PLAIN_TEXT, "utf-8");
    }

    /** Storing that histogram as succeed() does: top 100, then all of it. */
    @Benchmark
    public void encodeMillionWords(Blackhole blackhole) {
        blackhole.consume(HistogramCodec.encode(millionWords, Jobs.MAX_TOP_WORDS));
    }

    /** Reading every stored entry back. */
    @Benchmark
    public void decodeMillionWords(Blackhole blackhole) {
        HistogramCodec.forEach(millionWordsStored, 0, Long.MAX_VALUE, blackhole::consume);
    }

    @TearDown(Level.Trial)
    public void reportPeakHeap() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Old")) {
                System.out.printf("%n# heap: max %d MB; %s peak %d MB (what survived young collections)%n",
                        Runtime.getRuntime().maxMemory() >> 20, pool.getName(), pool.getPeakUsage().getUsed() >> 20);
            }
        }
    }

    /** "w0000a and w0000b and ...": {@code n} distinct letter-only words. */
    static byte[] distinctWordsText(int n) {
        StringBuilder text = new StringBuilder(n * 12);
        char[] word = new char[6];
        for (int i = 0; i < n; i++) {
            int v = i;
            for (int p = word.length - 1; p >= 0; p--) {
                word[p] = (char) ('a' + v % 26);
                v /= 26;
            }
            text.append('w').append(word).append(i % 10 == 9 ? ".\n" : " and ");
        }
        return text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
