package dev.tally.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    private static final UUID JOB = UUID.fromString("01a24bb1-7773-73ed-885c-d85e0008bc8a");

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void givesAJobsLinesItsIdAndTheIdOfTheRequestThatSubmittedIt() {
        try (LogContext.Scope scope = LogContext.job(JOB, "submit-7f3a")) {
            assertThat(MDC.get(LogContext.JOB_ID)).isEqualTo(JOB.toString());
            assertThat(LogContext.requestId()).isEqualTo("submit-7f3a");
        }
        assertThat(MDC.get(LogContext.JOB_ID)).isNull();
        assertThat(LogContext.requestId()).isNull();
    }

    @Test
    void givesBackTheRequestsIdWhenARequestsThreadHasLoggedForAJob() {
        // A cancel request's thread tells the job's running attempt to stop, and logs that as the job's.
        MDC.put(LogContext.REQUEST_ID, "cancel-9");

        try (LogContext.Scope scope = LogContext.job(JOB, "submit-7f3a")) {
            assertThat(LogContext.requestId()).isEqualTo("submit-7f3a");
        }

        assertThat(LogContext.requestId()).isEqualTo("cancel-9");
        assertThat(MDC.get(LogContext.JOB_ID)).isNull();
    }

    @Test
    void leavesNoRequestIdForAJobThatHasNone() {
        MDC.put(LogContext.REQUEST_ID, "heartbeat-thread-leftover");

        try (LogContext.Scope scope = LogContext.job(JOB, null)) {
            assertThat(LogContext.requestId()).isNull();
        }
    }
}
