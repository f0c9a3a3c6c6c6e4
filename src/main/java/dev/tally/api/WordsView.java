package dev.tally.api;

import dev.tally.text.WordCount;
import java.util.List;

/** A page of a job's histogram; {@code next} is the URL of the next page, null on the last. */
record WordsView(String jobId, long totalWords, int distinctWords, List<WordCount> words, String next) {
}
