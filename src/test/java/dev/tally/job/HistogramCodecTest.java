package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.text.Histogram;
import dev.tally.text.WordCount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

        List<WordCount> restored = HistogramCodec.decode(HistogramCodec.encode(histogram, Integer.MAX_VALUE), 0, 100);

        assertThat(restored).containsExactlyElementsOf(histogram.top(100));
    }

    @Test
    void pagesFromAnOffsetAndStopsAtTheLimit() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < 5000; i++) {
            counts.put("w" + i, (long) (5000 - i));
        }
        byte[] stored = HistogramCodec.encode(Histogram.of(counts), Integer.MAX_VALUE);

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
        List<WordCount> top = HistogramCodec.decode(HistogramCodec.encode(Histogram.of(counts), 100), 0, Integer.MAX_VALUE);

        assertThat(top).hasSize(100);
        assertThat(top.get(0)).isEqualTo(new WordCount("word0", 1000));
    }

    @Test
    void anEmptyHistogramRoundTrips() {
        assertThat(HistogramCodec.decode(HistogramCodec.encode(Histogram.empty(), 100), 0, 10)).isEmpty();
    }

    @Test
    void visitsEveryEntryOfALargeHistogramInTurn() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < 200_000; i++) {
            counts.put(Integer.toString(i, 36) + "q", 1L);
        }
        byte[] stored = HistogramCodec.encode(Histogram.of(counts), Integer.MAX_VALUE);
        long[] total = {0};
        HistogramCodec.forEach(stored, 0, Long.MAX_VALUE, w -> total[0] += w.count());

        assertThat(total[0]).isEqualTo(200_000);
    }
}
