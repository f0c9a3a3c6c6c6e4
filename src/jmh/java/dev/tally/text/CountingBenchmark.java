package dev.tally.text;

import dev.tally.jmh.Bytes;
import dev.tally.jmh.Corpus;
import java.nio.charset.StandardCharsets;
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

/**
 * Counting throughput of {@link TextAnalyzer} on the make-corpus files, single-threaded. Each
 * operation counts one whole file and builds its sorted histogram; the {@code bytes} secondary
 * result is UTF-8 input bytes per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Threads(1)
public class CountingBenchmark {

    /** A make-corpus output directory, or "sample" for -Dtally.corpus or the built-in sample. */
    @Param(Corpus.SAMPLE)
    public String corpus;

    private final TextAnalyzer analyzer = new TextAnalyzer();
    private byte[] textBytes;
    private String text;
    private byte[] html;
    private byte[] page;

    @Setup
    public void load() {
        Corpus loaded = Corpus.load(corpus);
        textBytes = loaded.text();
        text = new String(textBytes, StandardCharsets.UTF_8);
        html = loaded.html();
        page = loaded.page();
        Histogram histogram = analyzer.countText(text);
        System.out.printf("# corpus.txt: %d words, %d distinct%n", histogram.totalWords(), histogram.distinctWords());
    }

    /** Plain text already decoded to a String (bytes counted as its UTF-8 length). */
    @Benchmark
    public Histogram countText(Bytes counter) {
        counter.bytes += textBytes.length;
        return analyzer.countText(text);
    }

    /** Plain text from UTF-8 bytes, decoding included, as a fetched text/plain body. */
    @Benchmark
    public Histogram countDocumentPlain(Bytes counter) {
        counter.bytes += textBytes.length;
        return analyzer.countDocument(textBytes, DocumentType.PLAIN_TEXT, "utf-8");
    }

    /** corpus.html through jsoup and the visible-text walk; no header charset, so the meta prescan runs. */
    @Benchmark
    public Histogram countDocumentHtml(Bytes counter) {
        counter.bytes += html.length;
        return analyzer.countDocument(html, DocumentType.HTML, null);
    }

    /** page.html (~100 KB), a typical fetched page. */
    @Benchmark
    public Histogram countDocumentPage(Bytes counter) {
        counter.bytes += page.length;
        return analyzer.countDocument(page, DocumentType.HTML, null);
    }
}
