package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.OnEmbeddedFileStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The embedded store with less than half of {@code tally.admission.min-free-disk} of room (asked
 * for more room than any disk has): a queued job is not claimed, so its result cannot fill the disk.
 */
@SpringBootTest(properties = "tally.admission.min-free-disk=100000TB")
@DirtiesContext
class ClaimsWhileShortOfRoomTest extends OnEmbeddedFileStore {

    @Autowired
    JobRepository repository;

    @Autowired
    JobAttempts attempts;

    @Test
    void claimsNoQueuedJobWhileTheStoreIsShortOfRoom() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID id = UUID.randomUUID();
        repository.insert(new Job(id, JobStatus.QUEUED, JobSource.text(26), null, 0, 1, now, now, null, null, null, null,
                "anonymous"), "queued before the disk filled".getBytes(StandardCharsets.UTF_8), null);

        assertThat(attempts.claimDue("worker-under-test", 10, Duration.ofSeconds(30))).isEmpty();
        assertThat(repository.find(id)).get().extracting(Job::status).isEqualTo(JobStatus.QUEUED);
    }
}
