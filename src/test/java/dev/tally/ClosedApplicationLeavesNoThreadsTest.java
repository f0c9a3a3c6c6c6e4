package dev.tally;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TestSite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closing the application ends every thread it started. A thread left behind keeps running its
 * work on a closed store and holds the application's objects: in a process that embeds Tally, or
 * restarts its context, each close left some behind.
 */
class ClosedApplicationLeavesNoThreadsTest {

    @TempDir
    Path dataDir;

    @Test
    void endsEveryThreadItStartedWhenClosed() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        TestSite site = TestSite.get()
                .slowHtml("/closing/article", 3_000, "<html><body><p>Closing time at the harbour</p></body></html>")
                .page("/closing/hook", 204, "text/plain", "");
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TallyApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:file:" + dataDir.resolve("tally") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
                "--tally.fetch.allow-private-networks=true",
                "--tally.webhooks.secret=whsec-threads-test");
        List<Thread> started;
        try {
            useEveryPath(app, site);
            started = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("tally-"))
                    .toList();
            assertThat(started).as("the application's own threads, by name").isNotEmpty();
        } finally {
            app.close();
        }

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet()))
                        .as("threads still alive after the close")
                        .isEmpty());
    }

    /**
     * A slow page's job with a webhook, watched by a long poll that times out and by an event
     * stream, and a text job: every executor gets work.
     */
    private static void useEveryPath(ConfigurableApplicationContext app, TestSite site) {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        Api api = new Api(port);
        api.awaitReady();
        String urlJob = api.postJson("/api/v1/jobs", """
                {"url": "%s", "callbackUrl": "%s"}""".formatted(site.url("/closing/article"), site.url("/closing/hook")))
                .json().get("id").asString();
        api.awaitJob(urlJob, job -> job.get("status").asString().equals("RUNNING"), Duration.ofSeconds(10));
        String etag = api.get("/api/v1/jobs/" + urlJob).header("ETag");
        assertThat(api.get("/api/v1/jobs/" + urlJob + "?waitSeconds=1", "If-None-Match", etag).status()).isEqualTo(304);
        assertThat(api.get("/api/v1/jobs/" + urlJob + "/events").body()).contains("SUCCEEDED");
        String textJob = api.postJson("/api/v1/jobs", """
                {"text": "the harbour closes at night"}""").json().get("id").asString();
        assertThat(api.awaitTerminal(textJob).get("status").asString()).isEqualTo("SUCCEEDED");
    }
}
