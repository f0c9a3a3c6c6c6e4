package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On PostgreSQL the buckets live in the store, so two API nodes enforce one limit together. */
class SharedRateLimitTest {

    @TempDir
    Path workDir;

    @Test
    void twoNodesShareOneClientsBucket() throws Exception {
        String schema = Infrastructure.uniqueName("ratelimit");
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=" + Infrastructure.postgresUrl() + "?currentSchema=" + schema,
                "--spring.datasource.username=" + Infrastructure.postgresUser(),
                "--spring.flyway.schemas=" + schema,
                "--tally.rate-limit.enabled=true",
                "--tally.rate-limit.requests-per-minute=6"));
        try (TallyProcess a = TallyProcess.start(workDir, args); TallyProcess b = TallyProcess.start(workDir, args)) {
            int ok = 0;
            int limited = 0;
            for (int i = 0; i < 5; i++) {
                for (TallyProcess node : List.of(a, b)) {
                    int status = node.api().get("/api/v1/jobs").status();
                    ok += status == 200 ? 1 : 0;
                    limited += status == 429 ? 1 : 0;
                }
            }
            assertThat(ok).isEqualTo(6);
            assertThat(limited).isEqualTo(4);
        } finally {
            Infrastructure.dropSchema(schema);
        }
    }
}
