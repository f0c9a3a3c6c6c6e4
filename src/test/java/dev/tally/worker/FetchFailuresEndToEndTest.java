package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * How jobs end when the page misbehaves: each failure becomes a FAILED job with the contract's
 * error code, retryable ones after their retries, and nothing hangs.
 */
@TallyIntegrationTest
class FetchFailuresEndToEndTest {

    @LocalServerPort
    int port;

    Api api;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void notFoundFailsAtOnceWithHttpStatus() {
        site.page("/failures/missing.html", 404, "text/html", "<p>no such page</p>");

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/missing.html")));

        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        JsonNode error = job.get("error");
        assertThat(error.get("code").asString()).isEqualTo("HTTP_STATUS");
        assertThat(error.get("httpStatus").asInt()).isEqualTo(404);
        assertThat(error.get("retryable").asBoolean()).isFalse();
        assertThat(job.get("result").isNull()).isTrue();
    }

    /** The contract retries DNS answers that may be temporary; a name that cannot exist is not one. */
    @Test
    void aHostThatCannotExistFailsAtOnceWithDns() {
        JsonNode job = api.awaitTerminal(api.submitUrl("http://no-such-site.invalid/page.html"));

        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(job.get("error").get("code").asString()).isEqualTo("DNS");
        assertThat(job.get("error").get("retryable").asBoolean()).isFalse();
    }

    @Test
    void serverErrorsAreRetriedUpToMaxAttempts() {
        var calls = new AtomicInteger();
        site.handle("/failures/broken.html", exchange -> {
            calls.incrementAndGet();
            exchange.sendResponseHeaders(503, -1);
        });

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/broken.html")));

        assertThat(job.get("status").asString()).isEqualTo("FAILED");
        assertThat(job.get("attempts").asInt()).isEqualTo(3);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(job.get("error").get("httpStatus").asInt()).isEqualTo(503);
        assertThat(job.get("error").get("retryable").asBoolean()).isTrue();
    }

    @Test
    void aRetriedJobSucceedsWhenThePageRecovers() {
        var calls = new AtomicInteger();
        site.handle("/failures/flaky.html", exchange -> {
            if (calls.incrementAndGet() == 1) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            byte[] body = "<p>recovered at last</p>".getBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/flaky.html")));

        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("attempts").asInt()).isEqualTo(2);
        assertThat(job.get("error").isNull()).isTrue();
    }

    @Test
    void pdfIsUnsupportedContent() {
        site.page("/failures/paper.pdf", 200, "application/pdf", "%PDF-1.7 binary");

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/paper.pdf")));

        assertThat(job.get("error").get("code").asString()).isEqualTo("UNSUPPORTED_CONTENT_TYPE");
    }

    @Test
    void redirectLoopEndsWithTooManyRedirects() {
        site.redirect("/failures/loop-a", 302, site.url("/failures/loop-b"));
        site.redirect("/failures/loop-b", 302, site.url("/failures/loop-a"));

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/loop-a")));

        assertThat(job.get("error").get("code").asString()).isEqualTo("TOO_MANY_REDIRECTS");
    }

    @Test
    void followsARedirectToThePage() {
        site.html("/failures/target.html", "<p>arrived safely</p>");
        site.redirect("/failures/moved", 301, "/failures/target.html");

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/moved")));

        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("result").get("totalWords").asInt()).isEqualTo(2);
    }

    @Test
    void gzipBombIsStoppedAtTheSizeLimit() {
        site.gzipBomb("/failures/bomb.txt", 64L * 1024 * 1024);

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/bomb.txt")));

        assertThat(job.get("error").get("code").asString()).isEqualTo("TOO_LARGE");
    }

    @Test
    void hugeBodyIsStoppedAtTheSizeLimit() {
        site.hugeText("/failures/huge.txt", 40L * 1024 * 1024);

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/huge.txt")));

        assertThat(job.get("error").get("code").asString()).isEqualTo("TOO_LARGE");
        assertThat(job.get("error").get("retryable").asBoolean()).isFalse();
    }

    @Test
    void slowPageTimesOutAndIsRetried() {
        site.slowHtml("/failures/slow.html", 5000, "<p>too late</p>");

        JsonNode job = api.awaitTerminal(api.submitUrl(site.url("/failures/slow.html")));

        assertThat(job.get("error").get("code").asString()).isEqualTo("TIMEOUT");
        assertThat(job.get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void refusedConnectionIsAConnectError() {
        JsonNode job = api.awaitTerminal(api.submitUrl("http://127.0.0.1:9/"));

        assertThat(job.get("error").get("code").asString()).isEqualTo("CONNECT");
    }
}
