package dev.tally.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The compatible API answers a job's whole histogram ({@code word_count}), as the original did:
 * written as it is read, never held whole. Held whole, a job of half a million distinct words took
 * ~70 MB of heap per request, and a few requests at once ran the service out of memory for good.
 * A Tally of its own (-Xmx384m, {@link TallyProcess}).
 */
class CompatWordCountMemoryTest {

    private static final int DISTINCT_WORDS = 500_000;
    private static final int CONCURRENT_REQUESTS = 8;

    @TempDir
    Path workDir;

    @Test
    void answersTheWholeWordCountOfHalfAMillionWordsToManyClientsAtOnce() throws Exception {
        try (TallyProcess tally = TallyProcess.start(workDir)) {
            Api api = tally.api();
            String id = api.postJson("/api/v1/jobs", "{\"text\":\"" + distinctWords() + "\"}").json().get("id").asString();
            api.awaitJob(id, job -> job.get("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(60));

            var http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<InputStream>>> answers = new ArrayList<>();
            for (int i = 0; i < CONCURRENT_REQUESTS; i++) {
                answers.add(http.sendAsync(HttpRequest.newBuilder(api.uri("/word-count?job_id=" + id)).build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
            }
            for (var answer : answers) {
                HttpResponse<InputStream> response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(wordsIn(response.body())).isEqualTo(DISTINCT_WORDS);
            }
            assertThat(api.get("/actuator/health").status()).isEqualTo(200);
        }
    }

    /** Half a million different words of letters, each once: "aaaa aaab aaac ...". */
    private static String distinctWords() {
        var text = new StringBuilder(DISTINCT_WORDS * 6);
        for (int n = 0; n < DISTINCT_WORDS; n++) {
            int rest = n;
            for (int i = 0; i < 5; i++) {
                text.append((char) ('a' + rest % 26));
                rest /= 26;
            }
            text.append(' ');
        }
        return text.toString();
    }

    /** The entries of {@code data.word_count}, each checked to be counted once, read as a stream. */
    private static int wordsIn(InputStream body) throws IOException {
        try (body; JsonParser parser = JsonMapper.builder().build().createParser(body)) {
            int words = 0;
            boolean inCounts = false;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.PROPERTY_NAME && "word_count".equals(parser.currentName())) {
                    inCounts = parser.nextToken() == JsonToken.START_OBJECT;
                } else if (inCounts && token == JsonToken.VALUE_NUMBER_INT) {
                    assertThat(parser.getLongValue()).isEqualTo(1);
                    words++;
                } else if (inCounts && token == JsonToken.END_OBJECT) {
                    inCounts = false;
                }
            }
            return words;
        }
    }
}
