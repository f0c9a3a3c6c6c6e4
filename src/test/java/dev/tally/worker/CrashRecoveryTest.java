package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyProcess;
import dev.tally.support.TestSite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default survives kill -9: a job answered 202 is on disk, and jobs that were queued
 * or running when the process died are all processed after a restart on the same data directory.
 */
class CrashRecoveryTest {

    @TempDir
    Path workDir;

    TestSite site = TestSite.get();

    private String[] args() {
        // The default embedded file store, under this test's own ./data.
        return new String[] {"--tally.fetch.allow-private-networks=true", "--tally.worker.concurrency=2"};
    }

    @Test
    void everyJobAcceptedBeforeAKillIsFinishedAfterRestart() throws Exception {
        site.slowHtml("/crash/slow.html", 1500, "<p>slow but sure</p>");
        List<String> ids = new ArrayList<>();
        try (TallyProcess tally = TallyProcess.start(workDir, args())) {
            Api api = tally.api();
            for (int i = 0; i < 12; i++) {
                ids.add(api.submitUrl(site.url("/crash/slow.html") + "?n=" + i));
            }
            ids.add(submitText(api, "text survives a crash too"));
            api.awaitJob(ids.get(0), j -> j.get("status").asString().equals("RUNNING"), Duration.ofSeconds(10));
            tally.kill();
        }

        try (TallyProcess tally = TallyProcess.start(workDir, args())) {
            Api api = tally.api();
            int retried = 0;
            for (String id : ids) {
                JsonNode job = api.awaitJob(id, j -> j.get("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(60));
                assertThat(job.get("result").get("totalWords").asInt()).isPositive();
                retried += job.get("attempts").asInt() > 1 ? 1 : 0;
            }
            assertThat(retried).as("jobs interrupted while running ran again").isPositive();
        }
    }

    @Test
    void aJobAnswered202IsOnDiskEvenIfTheProcessDiesTheNextInstant() throws Exception {
        List<String> ids = new ArrayList<>();
        try (TallyProcess tally = TallyProcess.start(workDir, args())) {
            Api api = tally.api();
            for (int i = 0; i < 50; i++) {
                ids.add(submitText(api, "durable job number " + i));
            }
            tally.kill();
        }

        try (TallyProcess tally = TallyProcess.start(workDir, args())) {
            Api api = tally.api();
            for (String id : ids) {
                assertThat(api.get("/api/v1/jobs/" + id).status()).as(id).isEqualTo(200);
            }
            for (String id : ids) {
                assertThat(api.awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
            }
        }
    }

    /**
     * A store moved with a URL of the user's own, which names none of the settings of the default
     * URL: H2's own default delays writes by up to half a second, so the last jobs answered 202
     * before a kill were lost.
     */
    @Test
    void aJobAnswered202IsOnDiskAlsoInAStoreWhoseUrlNamesNoSettings() throws Exception {
        String[] args = {"--spring.datasource.url=jdbc:h2:file:" + workDir.resolve("elsewhere/jobs"),
                "--tally.worker.concurrency=2"};
        List<String> ids = new ArrayList<>();
        try (TallyProcess tally = TallyProcess.start(workDir, args)) {
            Api api = tally.api();
            for (int i = 0; i < 50; i++) {
                ids.add(submitText(api, "durable job number " + i));
            }
            tally.kill();
        }

        try (TallyProcess tally = TallyProcess.start(workDir, args)) {
            Api api = tally.api();
            for (String id : ids) {
                assertThat(api.get("/api/v1/jobs/" + id).status()).as(id).isEqualTo(200);
            }
        }
    }

    private static String submitText(Api api, String text) {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertThat(response.status()).isEqualTo(202);
        return response.json().get("id").asString();
    }
}
