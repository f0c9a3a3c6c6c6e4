package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What operators see of the workers' attempts: every attempt timed in {@code tally.job.attempts},
 * by outcome and error code.
 */
@TallyIntegrationTest
class JobAttemptMetricsTest {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void timesASucceededAttemptByItsOutcome() {
        long before = attempts("succeeded", "none");

        String id = submit("{\"text\":\"an operator counts the attempts that succeeded\"}");

        assertThat(new Api(port).awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(attempts("succeeded", "none")).isGreaterThan(before);
    }

    @Test
    void timesAFailedAttemptWithItsErrorCode() {
        long before = attempts("failed", "HTTP_STATUS");

        assertThat(finishJobForPageAnswering("/metrics/gone", 404)).isEqualTo("FAILED");

        assertThat(attempts("failed", "HTTP_STATUS")).isGreaterThanOrEqualTo(before + 1);
    }

    @Test
    void timesARetriedAttemptWithItsErrorCode() {
        long before = attempts("retried", "HTTP_STATUS");

        // Three attempts allowed here: two retried, the last one failed.
        assertThat(finishJobForPageAnswering("/metrics/unavailable", 503)).isEqualTo("FAILED");

        assertThat(attempts("retried", "HTTP_STATUS")).isGreaterThanOrEqualTo(before + 2);
    }

    /** Submits a job for a page of the test site that answers {@code status}; its final status. */
    private String finishJobForPageAnswering(String path, int status) {
        TestSite site = TestSite.get().page(path, status, "text/html", "<p>answered " + status + "</p>");
        String id = submit("{\"url\":\"" + site.url(path) + "\"}");
        return new Api(port).awaitTerminal(id).get("status").asString();
    }

    private String submit(String json) {
        return new Api(port).postJson("/api/v1/jobs", json).json().get("id").asString();
    }

    private long attempts(String outcome, String error) {
        Timer timer = meters.find("tally.job.attempts").tags("outcome", outcome, "error", error).timer();
        return timer == null ? 0 : timer.count();
    }
}
