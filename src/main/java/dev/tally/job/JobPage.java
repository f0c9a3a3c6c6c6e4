package dev.tally.job;

import java.util.List;

/** One page of the job list; {@code next} is null on the last page. */
public record JobPage(List<Job> items, ListCursor next) {
}
