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
        TestSite site = TestSite.get().page("/metrics/gone", 404, "text/html", "<p>gone</p>");
        long before = attempts("failed", "HTTP_STATUS");

        String id = submit("{\"url\":\"" + site.url("/metrics/gone") + "\"}");

        assertThat(new Api(port).awaitTerminal(id).get("status").asString()).isEqualTo("FAILED");
        assertThat(attempts("failed", "HTTP_STATUS")).isGreaterThanOrEqualTo(before + 1);
    }

    @Test
    void timesARetriedAttemptWithItsErrorCode() {
        TestSite site = TestSite.get().page("/metrics/unavailable", 503, "text/html", "<p>busy</p>");
        long before = attempts("retried", "HTTP_STATUS");

        String id = submit("{\"url\":\"" + site.url("/metrics/unavailable") + "\"}");

        // Three attempts allowed here: two retried, the last one failed.
        assertThat(new Api(port).awaitTerminal(id).get("status").asString()).isEqualTo("FAILED");
        assertThat(attempts("retried", "HTTP_STATUS")).isGreaterThanOrEqualTo(before + 2);
    }

    private String submit(String json) {
        return new Api(port).postJson("/api/v1/jobs", json).json().get("id").asString();
    }

    private long attempts(String outcome, String error) {
        Timer timer = meters.find("tally.job.attempts").tags("outcome", outcome, "error", error).timer();
        return timer == null ? 0 : timer.count();
    }
}
