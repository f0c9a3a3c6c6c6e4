package dev.tally.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tally.job.Job;
import dev.tally.job.JobError;
import dev.tally.job.JobSource;
import dev.tally.job.JobSummary;
import dev.tally.text.WordCount;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The job representation of the API contract (also the body of webhooks). */
public record JobView(
        String id,
        String status,
        SourceView source,
        String createdAt,
        String updatedAt,
        String startedAt,
        String finishedAt,
        int attempts,
        ResultView result,
        ErrorView error) {

    /** RFC 3339, UTC, always with milliseconds. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** Top words shown unless {@code ?top=} says otherwise. */
    public static final int DEFAULT_TOP = 10;

    /** The representation of {@code job} with its {@code top} most frequent words. */
    public static JobView of(Job job, int top) {
        return new JobView(
                job.id().toString(),
                job.status().name(),
                SourceView.of(job.source()),
                time(job.createdAt()),
                time(job.updatedAt()),
                time(job.startedAt()),
                time(job.finishedAt()),
                job.attempts(),
                ResultView.of(job.summary(), top),
                ErrorView.of(job.error()));
    }

    static String time(Instant instant) {
        return instant == null ? null : TIME.format(instant);
    }

    /** Where the words come from. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SourceView(String type, String url, Integer length) {
        static SourceView of(JobSource source) {
            return source.type() == JobSource.Type.URL
                    ? new SourceView("url", source.url(), null)
                    : new SourceView("text", null, source.length());
        }
    }

    /** The counts of a succeeded job. */
    public record ResultView(long totalWords, int distinctWords, List<WordCount> topWords) {
        static ResultView of(JobSummary summary, int top) {
            if (summary == null) {
                return null;
            }
            List<WordCount> words = summary.topWords();
            return new ResultView(summary.totalWords(), summary.distinctWords(),
                    words.subList(0, Math.min(top, words.size())));
        }
    }

    /** Why a job failed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorView(String code, String message, boolean retryable, Integer httpStatus) {
        static ErrorView of(JobError error) {
            return error == null ? null
                    : new ErrorView(error.code().name(), error.message(), error.retryable(), error.httpStatus());
        }
    }
}
