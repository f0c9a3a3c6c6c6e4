package dev.tally.text;

/** One histogram entry: a word and how often it occurs. */
public record WordCount(String word, long count) {
}
