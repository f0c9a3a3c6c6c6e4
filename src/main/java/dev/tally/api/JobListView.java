package dev.tally.api;

import java.util.List;

/** A page of the job list; {@code next} is the URL of the next page, null on the last. */
record JobListView(List<JobView> items, String next) {
}
