package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Large pages (above 256 KiB) take room in the heap budget for pages while they are fetched and
 * counted, and give it back once their job is done, whatever the outcome.
 */
@TallyIntegrationTest
class LargePageEndToEndTest {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    TestSite site = TestSite.get();

    @Test
    void largePagesGiveTheirRoomBackOnceCounted() {
        StringBuilder html = new StringBuilder("<html><head><title>Large page</title></head><body>");
        int paragraphs = 0;
        while (html.length() < 2 * 1024 * 1024) {
            html.append("<p>Each paragraph of this large page holds these ten words.</p>\n");
            paragraphs++;
        }
        site.html("/large/page.html", html.append("</body></html>").toString());
        Api api = new Api(port);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(api.submitUrl(site.url("/large/page.html") + "?copy=" + i));
        }

        for (String id : ids) {
            JsonNode job = api.awaitTerminal(id);
            assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("result").get("totalWords").asLong()).isEqualTo(10L * paragraphs + 2);
        }
        assertThat(meters.get("tally.fetch.large.pages.reserved").gauge().value()).isZero();
    }
}
