package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.tally.store.StoreSpace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

/** Admission control's bounds on unfinished jobs, over a real embedded store. */
class AdmissionControlTest {

    private static final DataSize ONE_GIGABYTE = DataSize.ofGigabytes(1);

    @TempDir
    Path dir;

    private JdbcDataSource dataSource;
    private StoreSpace space;
    private JdbcClient jdbc;
    private JobRepository repository;

    @BeforeEach
    void migrate() {
        open("jdbc:h2:mem:admission" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
    }

    @AfterEach
    void drop() {
        if (space != null) {
            space.stop();
        }
        jdbc.sql("SHUTDOWN").update();
    }

    @Test
    void refusesAClientsSubmissionBeyondItsLimitWithoutWaitingForARecount() {
        queue("client-a");
        var admission = admission(1_000, 3, ONE_GIGABYTE);

        admission.admit("client-a");
        admission.admit("client-a");

        assertThatThrownBy(() -> admission.admit("client-a"))
                .isInstanceOfSatisfying(AdmissionRefusedException.class, e -> assertThat(e.bound()).isEqualTo(AdmissionRefusedException.Bound.CLIENT))
                .hasMessageContaining("3 unfinished jobs");
        admission.admit("client-b");
    }

    @Test
    void refusesEveryoneOnceTheServiceHasItsLimitOfUnfinishedJobs() {
        for (int i = 0; i < 4; i++) {
            queue("client-" + i);
        }
        var admission = admission(5, 100, ONE_GIGABYTE);

        admission.admit("client-new");

        assertThatThrownBy(() -> admission.admit("client-other"))
                .isInstanceOfSatisfying(AdmissionRefusedException.class, e -> assertThat(e.bound()).isEqualTo(AdmissionRefusedException.Bound.SERVICE));
    }

    @Test
    void showsOperatorsTheUnfinishedJobsItCountsWithThoseAdmittedSince() {
        queue("client-a");
        queue("client-b");
        finished("client-a");
        var admission = admission(1_000, 100, ONE_GIGABYTE);
        var meters = new SimpleMeterRegistry();
        new BacklogGauge(admission, meters);

        assertThat(meters.get(BacklogGauge.UNFINISHED).gauge().value()).isEqualTo(2);
        admission.admit("client-c");
        assertThat(meters.get(BacklogGauge.UNFINISHED).gauge().value()).isEqualTo(3);
    }

    @Test
    void refusesEveryoneWhileTheEmbeddedStoreHasLessRoomOnItsDiskThanTheMinimum() {
        useFileStore();
        // More than this disk has: the check is the same as for a nearly full one.
        var admission = admission(1_000, 100, DataSize.ofBytes(room() + DataSize.ofGigabytes(64).toBytes()));

        assertThatThrownBy(() -> admission.admit("client-a"))
                .isInstanceOfSatisfying(AdmissionRefusedException.class,
                        e -> assertThat(e.bound()).isEqualTo(AdmissionRefusedException.Bound.STORAGE))
                .hasMessageContaining("MB of room left on its disk");
    }

    @Test
    void letsWorkersGoOnClaimingWhileTheRoomIsOverHalfTheMinimum() {
        useFileStore();
        long room = room();
        var admission = admission(1_000, 100, DataSize.ofBytes(room + Math.min(room / 2, DataSize.ofGigabytes(64).toBytes())));

        assertThatThrownBy(() -> admission.admit("client-a")).isInstanceOf(AdmissionRefusedException.class);
        assertThat(admission.roomToWork()).isTrue();
    }

    @Test
    void tellsWorkersToClaimNothingWhileTheRoomIsUnderHalfTheMinimum() {
        useFileStore();
        var admission = admission(1_000, 100, DataSize.ofBytes(2 * (room() + DataSize.ofGigabytes(64).toBytes())));

        assertThat(admission.roomToWork()).isFalse();
    }

    @Test
    void takesJobsWhileTheEmbeddedStoreHasTheMinimumRoom() {
        useFileStore();
        var admission = admission(1_000, 100, DataSize.ofMegabytes(1));

        admission.admit("client-a");

        assertThat(admission.unfinished()).isEqualTo(1);
    }

    @Test
    void aMinimumOfZeroTurnsTheRoomCheckOff() {
        useFileStore();
        var admission = admission(1_000, 100, DataSize.ofBytes(0));

        admission.admit("client-a");

        assertThat(admission.unfinished()).isEqualTo(1);
    }

    @Test
    void doesNotCheckTheRoomOfAStoreWhoseDiskItCannotSee() {
        var admission = admission(1_000, 100, DataSize.ofTerabytes(1 << 20));

        admission.admit("client-a");

        assertThat(admission.unfinished()).isEqualTo(1);
        assertThat(admission.roomToWork()).isTrue();
    }

    @Test
    void countsAgainEverySecondNearTheLimitAndLessOftenWithRoomLeft() {
        assertThat(new AdmissionControl.Count(0, 0).interval(100)).isEqualTo(AdmissionControl.MAX_INTERVAL);
        assertThat(new AdmissionControl.Count(50, 0).interval(100)).isEqualTo(Duration.ofSeconds(5));
        assertThat(new AdmissionControl.Count(95, 0).interval(100)).isEqualTo(AdmissionControl.MIN_INTERVAL);
        assertThat(new AdmissionControl.Count(100, 0).interval(100)).isEqualTo(AdmissionControl.MIN_INTERVAL);
    }

    private AdmissionControl admission(long maxActive, long maxActivePerClient, DataSize minFreeDisk) {
        space = new StoreSpace(dataSource);
        space.start();
        return new AdmissionControl(repository, new AdmissionProperties(maxActive, maxActivePerClient, minFreeDisk), space);
    }

    /** The room of the store as it is now. */
    private long room() {
        var measured = new StoreSpace(dataSource);
        measured.start();
        try {
            return measured.room().orElseThrow();
        } finally {
            measured.stop();
        }
    }

    /** The store in a file, as Tally's embedded default, instead of in memory. */
    private void useFileStore() {
        drop();
        open("jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1");
    }

    private void open(String url) {
        dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser("sa");
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = JdbcClient.create(dataSource);
        repository = new JobRepository(jdbc);
    }

    private void queue(String owner) {
        insert(owner, JobStatus.QUEUED);
    }

    private void finished(String owner) {
        insert(owner, JobStatus.SUCCEEDED);
    }

    private void insert(String owner, JobStatus status) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        repository.insert(new Job(UUID.randomUUID(), status, JobSource.url("https://example.com/" + owner), null,
                0, 1, now, now, null, null, null, null, owner), null, null);
    }
}
