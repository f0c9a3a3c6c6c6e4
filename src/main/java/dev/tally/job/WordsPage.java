package dev.tally.job;

import dev.tally.text.WordCount;
import java.util.List;

/**
 * A slice of a succeeded job's histogram.
 *
 * @param nextOffset where the next slice starts, or -1 when this is the last
 */
public record WordsPage(Job job, List<WordCount> words, long nextOffset) {
}
