package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.text.WordCount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FinishedJobCacheTest {

    private static final Instant CREATED = Instant.parse("2026-11-23T10:15:30.123Z");

    FinishedJobCache cache = new FinishedJobCache(new FinishedJobCacheProperties(true, 1 << 20, Duration.ofMinutes(1)));

    @Test
    void keepsFinishedJobs() {
        Job job = job(JobStatus.SUCCEEDED);
        cache.offer(job);
        assertThat(cache.get(job.id())).contains(job);
    }

    @Test
    void neverKeepsJobsThatCanStillChange() {
        for (JobStatus status : List.of(JobStatus.QUEUED, JobStatus.RUNNING)) {
            Job job = job(status);
            cache.offer(job);
            assertThat(cache.get(job.id())).as(status.name()).isEmpty();
        }
    }

    @Test
    void forgetsDeletedJobs() {
        Job job = job(JobStatus.FAILED);
        cache.offer(job);
        cache.onDeleted(new JobDeletedEvent(job.id(), false));
        assertThat(cache.get(job.id())).isEmpty();
    }

    @Test
    void aReadThatStartedBeforeTheDeletionCannotPutTheJobBack() {
        Job job = job(JobStatus.CANCELLED);
        cache.onDeleted(new JobDeletedEvent(job.id()));
        cache.offer(job); // read from the store just before the deletion committed
        assertThat(cache.get(job.id())).isEmpty();
    }

    @Test
    void keepsNothingWhenDisabled() {
        var disabled = new FinishedJobCache(new FinishedJobCacheProperties(false, 1 << 20, Duration.ofMinutes(1)));
        Job job = job(JobStatus.SUCCEEDED);
        disabled.offer(job);
        assertThat(disabled.get(job.id())).isEmpty();
    }

    private static Job job(JobStatus status) {
        JobSummary summary = status == JobStatus.SUCCEEDED
                ? new JobSummary(3, 2, List.of(new WordCount("the", 2), new WordCount("cat", 1)))
                : null;
        return new Job(UUID.randomUUID(), status, JobSource.url("https://example.com/"), null, 1, 3,
                CREATED, CREATED.plusSeconds(1), CREATED, status.isTerminal() ? CREATED.plusSeconds(1) : null,
                summary, null, NewJob.ANONYMOUS);
    }
}
