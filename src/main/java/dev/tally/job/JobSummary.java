package dev.tally.job;

import dev.tally.text.WordCount;
import java.util.List;

/** The headline figures of a succeeded job, with its most frequent words (up to 100 kept). */
public record JobSummary(long totalWords, int distinctWords, List<WordCount> topWords) {
}
