package dev.tally.text;

import java.util.LinkedHashMap;
import java.util.Map;

/** Test helpers that read a histogram back as a map, for readable assertions. */
final class WordCounts {

    private WordCounts() {
    }

    static Map<String, Long> asMap(Histogram histogram) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < histogram.distinctWords(); i++) {
            counts.put(histogram.word(i), histogram.count(i));
        }
        return counts;
    }

    /** Counts text that arrives in the given chunks, with no boundary between them. */
    static Map<String, Long> countChunks(String... chunks) {
        WordCounter counter = new WordCounter();
        for (String chunk : chunks) {
            counter.accept(chunk);
        }
        return asMap(counter.toHistogram());
    }

    /** {@link #countChunks} for chunks that are not Strings, which the counter reads as chars. */
    static Map<String, Long> countCharChunks(String... chunks) {
        WordCounter counter = new WordCounter();
        for (String chunk : chunks) {
            counter.accept(new StringBuilder(chunk));
        }
        return asMap(counter.toHistogram());
    }
}
