package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.text.Histogram;
import dev.tally.text.TextAnalyzer;
import dev.tally.text.WordCount;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

class HistogramCodecTest {

    @Test
    void storesAndRestoresEveryEntryInHistogramOrder() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("the", 80L);
        counts.put("café", 3L);
        counts.put("don't", 3L);
        counts.put("\uD835\uDC00bc", 2L);
        counts.put("日本語", 1L);
        counts.put("x".repeat(300), 1L);
        Histogram histogram = Histogram.of(counts);

        List<WordCount> restored = HistogramCodec.decode(HistogramCodec.encode(histogram, Integer.MAX_VALUE).all(), 0, 100);

        assertThat(restored).containsExactlyElementsOf(histogram.top(100));
    }

    @Test
    void storesACountedHistogramAsTheSameHistogramBuiltFromStrings() {
        // A counted histogram hands its words over as UTF-8; one rebuilt from strings encodes them.
        Histogram counted = new TextAnalyzer().countText("The caf\u00E9 serves the internationalization team \uD835\uDC00x caf\u00E9 the");
        String[] words = new String[counted.distinctWords()];
        long[] counts = new long[counted.distinctWords()];
        for (int i = 0; i < words.length; i++) {
            words[i] = counted.word(i);
            counts[i] = counted.count(i);
        }

        HistogramCodec.Stored fromBytes = HistogramCodec.encode(counted, 2);
        HistogramCodec.Stored fromStrings = HistogramCodec.encode(Histogram.ofSorted(words, counts), 2);

        assertThat(fromBytes.all()).isEqualTo(fromStrings.all());
        assertThat(fromBytes.top()).isEqualTo(fromStrings.top());
        assertThat(HistogramCodec.decode(fromBytes.all(), 0, 100)).containsExactlyElementsOf(counted.top(100));
    }

    @Test
    void pagesFromAnOffsetAndStopsAtTheLimit() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < 5000; i++) {
            counts.put("w" + i, (long) (5000 - i));
        }
        byte[] stored = HistogramCodec.encode(Histogram.of(counts), Integer.MAX_VALUE).all();

        assertThat(HistogramCodec.decode(stored, 4998, 10))
                .containsExactly(new WordCount("w4998", 2), new WordCount("w4999", 1));
        assertThat(HistogramCodec.decode(stored, 10, 3)).extracting(WordCount::word).containsExactly("w10", "w11", "w12");
    }

    @Test
    void keepsOnlyTheFirstEntriesWhenLimited() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            counts.put("word" + i, 1000L - i);
        }
        List<WordCount> top = HistogramCodec.decode(HistogramCodec.encode(Histogram.of(counts), 100).top(), 0, Integer.MAX_VALUE);

        assertThat(top).hasSize(100);
        assertThat(top.get(0)).isEqualTo(new WordCount("word0", 1000));
    }

    @Test
    void anEmptyHistogramRoundTrips() {
        assertThat(HistogramCodec.decode(HistogramCodec.encode(Histogram.empty(), 100).all(), 0, 10)).isEmpty();
    }

    @Test
    void visitsEveryEntryOfALargeHistogramInTurn() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < 200_000; i++) {
            counts.put(Integer.toString(i, 36) + "q", 1L);
        }
        byte[] stored = HistogramCodec.encode(Histogram.of(counts), Integer.MAX_VALUE).all();
        long[] total = {0};
        HistogramCodec.forEach(stored, 0, Long.MAX_VALUE, w -> total[0] += w.count());

        assertThat(total[0]).isEqualTo(200_000);
    }

    @Test
    void storesTheTopAsThePrefixOfTheFullHistogram() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.put("term" + i, 300L - i);
        }
        HistogramCodec.Stored stored = HistogramCodec.encode(Histogram.of(counts), 100);

        List<WordCount> all = HistogramCodec.decode(stored.all(), 0, Integer.MAX_VALUE);
        assertThat(all).hasSize(300);
        assertThat(HistogramCodec.decode(stored.top(), 0, Integer.MAX_VALUE)).containsExactlyElementsOf(all.subList(0, 100));
    }

    @Test
    void encodesEveryHistogramCorrectlyWhileManyThreadsShareTheCompressors() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 48; t++) {
                int size = 50 + 37 * t;
                results.add(threads.submit(() -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    for (int i = 0; i < size; i++) {
                        counts.put("w" + size + "x" + i, (long) (size - i));
                    }
                    Histogram histogram = Histogram.of(counts);
                    return HistogramCodec.decode(HistogramCodec.encode(histogram, 100).all(), 0, Integer.MAX_VALUE)
                            .equals(histogram.top(Integer.MAX_VALUE));
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void reportsDamagedZstdDataAsACorruptHistogram() {
        byte[] stored = HistogramCodec.encode(Histogram.of(Map.of("alpha", 2L, "beta", 1L)), 100).all();
        byte[] damaged = stored.clone();
        for (int i = 6; i < damaged.length; i++) {
            damaged[i] = (byte) ~damaged[i];
        }

        assertThatThrownBy(() -> HistogramCodec.decode(damaged, 0, 10))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("corrupt stored histogram");
    }

    @Test
    void writesZstdFramesWhereItsNativeLibraryLoads() {
        byte[] stored = HistogramCodec.encode(Histogram.of(Map.of("alpha", 2L, "beta", 1L)), 100).all();

        assertThat(HistogramCompression.writesZstd()).as("zstd-jni has a native library for this platform").isTrue();
        assertThat(stored).startsWith((byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD);
    }

    @Test
    void readsHistogramsStoredWithZlibBeforeZstd() throws Exception {
        // The stored format as written before zstd: deflated (varint count, varint length, UTF-8 word) entries.
        var raw = new ByteArrayOutputStream();
        for (Object[] entry : new Object[][] {{300L, "the"}, {7L, "café"}, {1L, "zebra"}}) {
            byte[] word = ((String) entry[1]).getBytes(StandardCharsets.UTF_8);
            writeVarLong(raw, (Long) entry[0]);
            writeVarLong(raw, word.length);
            raw.write(word);
        }
        var zlib = new ByteArrayOutputStream();
        try (var out = new DeflaterOutputStream(zlib, new Deflater(Deflater.BEST_SPEED))) {
            raw.writeTo(out);
        }

        assertThat(HistogramCodec.decode(zlib.toByteArray(), 0, 10)).containsExactly(
                new WordCount("the", 300), new WordCount("café", 7), new WordCount("zebra", 1));
    }

    private static void writeVarLong(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
