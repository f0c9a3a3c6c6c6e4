package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The sizes of the transactions that claim jobs and store results, as operators see them: one
 * sample per committed transaction, its amount the jobs it held.
 */
@TallyIntegrationTest
class DispatchBatchMetricsTest {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void countsTheJobsOfEveryClaimAndResultTransaction() {
        Api api = new Api(port);
        DistributionSummary claims = meters.get("tally.dispatch.claim.batch.size").summary();
        DistributionSummary results = meters.get("tally.dispatch.result.batch.size").summary();
        double claimedBefore = claims.totalAmount();
        long claimTransactionsBefore = claims.count();
        double storedBefore = results.totalAmount();
        long resultTransactionsBefore = results.count();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(api.postJson("/api/v1/jobs", "{\"text\":\"the quick brown fox number " + i + "\"}").json()
                    .get("id").asString());
        }
        ids.forEach(api::awaitTerminal);

        // At least: jobs other tests left behind may be claimed and stored meanwhile.
        assertThat(claims.totalAmount() - claimedBefore).isGreaterThanOrEqualTo(12);
        assertThat(results.totalAmount() - storedBefore).isGreaterThanOrEqualTo(12);
        assertThat(claims.count() - claimTransactionsBefore).isBetween(1L, (long) (claims.totalAmount() - claimedBefore));
        assertThat(results.count() - resultTransactionsBefore).isBetween(1L, (long) (results.totalAmount() - storedBefore));
    }
}
