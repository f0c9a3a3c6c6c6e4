package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.text.Histogram;
import dev.tally.text.WordCount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    void encodesEveryHistogramCorrectlyWhileManyThreadsShareTheDeflaters() throws Exception {
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
}
