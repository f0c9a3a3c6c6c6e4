package dev.tally.job;

import static dev.tally.job.JobStatus.CANCELLED;
import static dev.tally.job.JobStatus.FAILED;
import static dev.tally.job.JobStatus.QUEUED;
import static dev.tally.job.JobStatus.RUNNING;
import static dev.tally.job.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The lifecycle of contract section 1, checked from every state. */
class JobTransitionTest {

    /** The contract's state machine, written out independently of the enum under test. */
    private static final Map<JobStatus, Map<JobTransition, JobStatus>> CONTRACT = Map.of(
            QUEUED, Map.of(JobTransition.CLAIM, RUNNING, JobTransition.CANCEL, CANCELLED),
            RUNNING, Map.of(
                    JobTransition.SUCCEED, SUCCEEDED,
                    JobTransition.FAIL, FAILED,
                    JobTransition.RETRY, QUEUED,
                    JobTransition.RELEASE, QUEUED,
                    JobTransition.CANCEL, CANCELLED),
            SUCCEEDED, Map.of(),
            FAILED, Map.of(),
            CANCELLED, Map.of());

    @ParameterizedTest
    @EnumSource(JobStatus.class)
    void allowsExactlyTheContractsTransitionsFromEveryState(JobStatus from) {
        Set<JobTransition> allowed = EnumSet.noneOf(JobTransition.class);
        for (JobTransition transition : JobTransition.values()) {
            if (transition.allowedFrom(from)) {
                allowed.add(transition);
                assertThat(transition.target())
                        .as("%s from %s", transition, from)
                        .isEqualTo(CONTRACT.get(from).get(transition));
            }
        }
        assertThat(allowed).isEqualTo(CONTRACT.get(from).isEmpty()
                ? EnumSet.noneOf(JobTransition.class)
                : EnumSet.copyOf(CONTRACT.get(from).keySet()));
    }

    @ParameterizedTest
    @EnumSource(value = JobStatus.class, names = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void terminalStatesNeverChangeAgain(JobStatus terminal) {
        assertThat(terminal.isTerminal()).isTrue();
        for (JobTransition transition : JobTransition.values()) {
            assertThat(transition.allowedFrom(terminal)).as("%s from %s", transition, terminal).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = JobStatus.class, names = {"QUEUED", "RUNNING"})
    void activeStatesAreNotTerminalAndCanBeCancelled(JobStatus active) {
        assertThat(active.isTerminal()).isFalse();
        assertThat(JobTransition.CANCEL.allowedFrom(active)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(JobTransition.class)
    void conditionalUpdateNamesExactlyTheSourceStates(JobTransition transition) {
        String clause = JobRepository.allowedFrom(transition);
        for (JobStatus status : JobStatus.values()) {
            assertThat(clause.contains("'" + status.name() + "'"))
                    .as("%s in %s", status, clause)
                    .isEqualTo(transition.allowedFrom(status));
        }
    }
}
