package dev.tally.text;

import java.util.List;

/**
 * An immutable word histogram, ordered by count descending, then word ascending by Unicode code
 * point (the order of the API's {@code topWords} and {@code /words}).
 */
public final class Histogram {

    /** The number of word occurrences counted. */
    public long totalWords() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The number of distinct words (entries). */
    public int distinctWords() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The word at position {@code index} in histogram order. */
    public String word(int index) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The count at position {@code index} in histogram order. */
    public long count(int index) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The first {@code n} entries (fewer if the histogram is smaller). */
    public List<WordCount> top(int n) {
        throw new UnsupportedOperationException("TODO");
    }
}
