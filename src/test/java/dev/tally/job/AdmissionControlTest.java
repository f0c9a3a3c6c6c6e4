package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Admission control's bounds on unfinished jobs, over a real embedded store. */
class AdmissionControlTest {

    private JdbcClient jdbc;
    private JobRepository repository;

    @BeforeEach
    void migrate() {
        var dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:admission" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = JdbcClient.create(dataSource);
        repository = new JobRepository(jdbc);
    }

    @AfterEach
    void drop() {
        jdbc.sql("SHUTDOWN").update();
    }

    @Test
    void refusesAClientsSubmissionBeyondItsLimitWithoutWaitingForARecount() {
        queue("client-a");
        var admission = new AdmissionControl(repository, new AdmissionProperties(1_000, 3));

        admission.admit("client-a");
        admission.admit("client-a");

        assertThatThrownBy(() -> admission.admit("client-a"))
                .isInstanceOfSatisfying(AdmissionRefusedException.class, e -> assertThat(e.perClient()).isTrue())
                .hasMessageContaining("3 unfinished jobs");
        admission.admit("client-b");
    }

    @Test
    void refusesEveryoneOnceTheServiceHasItsLimitOfUnfinishedJobs() {
        for (int i = 0; i < 4; i++) {
            queue("client-" + i);
        }
        var admission = new AdmissionControl(repository, new AdmissionProperties(5, 100));

        admission.admit("client-new");

        assertThatThrownBy(() -> admission.admit("client-other"))
                .isInstanceOfSatisfying(AdmissionRefusedException.class, e -> assertThat(e.perClient()).isFalse());
    }

    @Test
    void showsOperatorsTheUnfinishedJobsItCountsWithThoseAdmittedSince() {
        queue("client-a");
        queue("client-b");
        finished("client-a");
        var admission = new AdmissionControl(repository, new AdmissionProperties(1_000, 100));
        var meters = new SimpleMeterRegistry();
        new BacklogGauge(admission, meters);

        assertThat(meters.get(BacklogGauge.UNFINISHED).gauge().value()).isEqualTo(2);
        admission.admit("client-c");
        assertThat(meters.get(BacklogGauge.UNFINISHED).gauge().value()).isEqualTo(3);
    }

    @Test
    void countsAgainEverySecondNearTheLimitAndLessOftenWithRoomLeft() {
        assertThat(new AdmissionControl.Count(0, 0).interval(100)).isEqualTo(AdmissionControl.MAX_INTERVAL);
        assertThat(new AdmissionControl.Count(50, 0).interval(100)).isEqualTo(Duration.ofSeconds(5));
        assertThat(new AdmissionControl.Count(95, 0).interval(100)).isEqualTo(AdmissionControl.MIN_INTERVAL);
        assertThat(new AdmissionControl.Count(100, 0).interval(100)).isEqualTo(AdmissionControl.MIN_INTERVAL);
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
