package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import dev.tally.worker.WorkerProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** The job lifecycle of contract section 1 over real HTTP against a real test web site. */
@TallyIntegrationTest
class JobLifecycleApiTest {

    private static final String ARTICLE = """
            <!DOCTYPE html><html><head><title>The Cat</title>
            <style>.cat { color: red }</style><script>var cat = 'meow';</script></head>
            <body><h1>The cat and the hat</h1>
            <p>The cat sat on the mat. The cat didn&rsquo;t care.</p>
            <!-- the dog was here -->
            </body></html>""";

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext application;

    Api api;
    TestSite site = TestSite.get();

    @BeforeEach
    void setUp() {
        api = new Api(port);
        site.html("/lifecycle/article.html", ARTICLE);
    }

    @Test
    void acceptsAUrlJobWithLocationAndCountsThePageAReaderSees() {
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"url\":\"" + site.url("/lifecycle/article.html") + "\"}");

        assertThat(accepted.status()).isEqualTo(202);
        JsonNode queued = accepted.json();
        String id = queued.get("id").asString();
        assertThat(accepted.header("Location")).isEqualTo("/api/v1/jobs/" + id);
        assertThat(queued.get("status").asString()).isEqualTo("QUEUED");
        assertThat(queued.get("source").get("type").asString()).isEqualTo("url");
        assertThat(queued.get("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

        JsonNode done = api.awaitTerminal(id);

        assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(done.get("startedAt").isNull()).isFalse();
        assertThat(done.get("finishedAt").isNull()).isFalse();
        JsonNode result = done.get("result");
        // title "the cat" + h1 "the cat and the hat" + p "the cat sat on the mat the cat didn't care"
        assertThat(result.get("totalWords").asLong()).isEqualTo(2 + 5 + 10);
        JsonNode top = result.get("topWords");
        assertThat(top.get(0).get("word").asString()).isEqualTo("the");
        assertThat(top.get(0).get("count").asLong()).isEqualTo(6);
        assertThat(top.get(1).get("word").asString()).isEqualTo("cat");
        assertThat(top.get(1).get("count").asLong()).isEqualTo(4);
        assertThat(words(top)).contains("didn't").doesNotContain("meow", "color", "dog");
    }

    @Test
    void countsSubmittedTextWithoutEchoingIt() {
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"Don't panic. DON'T PANIC! Écoute\"}");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode source = accepted.json().get("source");
        assertThat(source.get("type").asString()).isEqualTo("text");
        assertThat(source.get("length").asInt()).isEqualTo(32);
        assertThat(source.has("text")).isFalse();

        JsonNode done = api.awaitTerminal(accepted.json().get("id").asString());

        assertThat(done.get("result").get("totalWords").asLong()).isEqualTo(5);
        assertThat(done.get("result").get("distinctWords").asLong()).isEqualTo(3);
        assertThat(done.get("result").get("topWords").get(0).get("word").asString()).isEqualTo("don't");
    }

    @Test
    void topParameterChangesHowManyTopWordsAreShown() {
        String id = finishedTextJob("alpha beta gamma delta alpha beta alpha");

        assertThat(api.get("/api/v1/jobs/" + id + "?top=2").json().get("result").get("topWords")).hasSize(2);
        assertThat(api.get("/api/v1/jobs/" + id + "?top=0").json().get("result").get("topWords")).isEmpty();
        assertThat(api.get("/api/v1/jobs/" + id).json().get("result").get("topWords")).hasSize(4);
        assertThat(api.get("/api/v1/jobs/" + id + "?top=101").status()).isEqualTo(400);
    }

    @Test
    void pagesThroughTheWholeHistogramInOrder() {
        String id = finishedTextJob("c c c b b a d d d e");

        Api.Response first = api.get("/api/v1/jobs/" + id + "/words?limit=2");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("jobId").asString()).isEqualTo(id);
        assertThat(first.json().get("totalWords").asLong()).isEqualTo(10);
        assertThat(first.json().get("distinctWords").asLong()).isEqualTo(5);
        assertThat(words(first.json().get("words"))).containsExactly("c", "d");

        Api.Response second = api.get(first.json().get("next").asString());
        assertThat(words(second.json().get("words"))).containsExactly("b", "a");
        Api.Response third = api.get(second.json().get("next").asString());
        assertThat(words(third.json().get("words"))).containsExactly("e");
        assertThat(third.json().get("next").isNull()).isTrue();
    }

    @Test
    void pagesThroughAHistogramOfMoreWordsThanTheTopHolds() {
        // 150 distinct words, "w000" once, "w001" twice, ... up to 3 times, so the order is known.
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            text.append(String.format(" w%03d", i).repeat(1 + i % 3));
        }
        String id = finishedTextJob(text.toString().strip());

        Api.Response first = api.get("/api/v1/jobs/" + id + "/words?limit=100");
        assertThat(first.json().get("distinctWords").asLong()).isEqualTo(150);
        List<String> all = new ArrayList<>(words(first.json().get("words")));
        Api.Response second = api.get(first.json().get("next").asString());
        all.addAll(words(second.json().get("words")));

        assertThat(second.json().get("next").isNull()).isTrue();
        assertThat(all).hasSize(150).doesNotHaveDuplicates();
        assertThat(all.subList(0, 3)).containsExactly("w002", "w005", "w008");
        assertThat(all.get(149)).isEqualTo("w147");
    }

    @Test
    void streamsTheHistogramAsCsvWhenAsked() {
        String id = finishedTextJob("to be or not to be");

        Api.Response csv = api.get("/api/v1/jobs/" + id + "/words", "Accept", "text/csv");

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.body()).isEqualTo("word,count\nbe,2\nto,2\nnot,1\nor,1\n");
    }

    @Test
    void wordsOfAnUnfinishedJobAreAConflict() {
        site.slowHtml("/lifecycle/slow-words.html", 1500, ARTICLE);
        String id = api.submitUrl(site.url("/lifecycle/slow-words.html"));

        Api.Response words = api.get("/api/v1/jobs/" + id + "/words");

        assertThat(words.status()).isEqualTo(409);
        assertThat(words.header("Content-Type")).startsWith("application/problem+json");
        api.awaitTerminal(id);
    }

    @Test
    void listsJobsNewestFirstWithCursorPaging() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(0, finishedTextJob("listing job " + i));
        }

        JsonNode first = api.get("/api/v1/jobs?limit=2&status=SUCCEEDED").json();
        assertThat(ids(first.get("items"))).containsExactly(ids.get(0), ids.get(1));
        JsonNode second = api.get(first.get("next").asString()).json();
        assertThat(ids(second.get("items")).get(0)).isEqualTo(ids.get(2));
        assertThat(api.get("/api/v1/jobs?status=NOPE").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/jobs?cursor=garbage").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/jobs?limit=201").status()).isEqualTo(400);
    }

    @Test
    void cancelsARunningJobAndDiscardsItsResult() {
        TestSite.FirstRequest fetch = site.trackedSlowHtml("/lifecycle/slow-cancel.html", 1500, ARTICLE);
        String id = api.submitUrl(site.url("/lifecycle/slow-cancel.html"));
        fetch.awaitArrival(Duration.ofSeconds(10)); // a worker has claimed the job and is fetching its page

        Api.Response cancelled = api.post("/api/v1/jobs/" + id + "/cancel", "application/json", "");

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
        // Let the attempt play out: the site sends the page (or sees the worker hang up once its lease
        // renewal failed), then the attempt ends, interrupted or with its result refused by the store.
        // It has been in flight since the request arrived, so once none is in flight it is over.
        fetch.awaitEnd(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> WorkerProbe.attemptsInFlight(application) == 0);
        JsonNode later = api.get("/api/v1/jobs/" + id).json();
        assertThat(later.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(later.get("result").isNull()).isTrue();
    }

    @Test
    void cancellingATerminalJobIsAConflict() {
        String id = finishedTextJob("already done");

        Api.Response response = api.post("/api/v1/jobs/" + id + "/cancel", "application/json", "");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("status").asInt()).isEqualTo(409);
    }

    @Test
    void cancellingACancelledJobIsAConflictToo() {
        TestSite.FirstRequest fetch = site.trackedSlowHtml("/lifecycle/cancel-twice.html", 1500, ARTICLE);
        String id = api.submitUrl(site.url("/lifecycle/cancel-twice.html"));
        fetch.awaitArrival(Duration.ofSeconds(10));
        assertThat(api.post("/api/v1/jobs/" + id + "/cancel", "application/json", "").status()).isEqualTo(200);

        Api.Response again = api.post("/api/v1/jobs/" + id + "/cancel", "application/json", "");

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.header("Content-Type")).startsWith("application/problem+json");
        assertThat(again.json().get("detail").asString()).isEqualTo("job is already CANCELLED");
        fetch.awaitEnd(Duration.ofSeconds(10));
    }

    @Test
    void deletesAJobAndItsResult() {
        String id = finishedTextJob("short lived");

        assertThat(api.delete("/api/v1/jobs/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/jobs/" + id + "/words").status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/jobs/" + id).status()).isEqualTo(404);
    }

    @Test
    void aFinishedJobReadsTheSameEveryTimeWhateverServesIt() {
        String id = finishedTextJob("the same answer the same answer again");

        Api.Response first = api.get("/api/v1/jobs/" + id);
        Api.Response second = api.get("/api/v1/jobs/" + id);
        Api.Response oneWord = api.get("/api/v1/jobs/" + id + "?top=1");

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.header("ETag")).isEqualTo(first.header("ETag"));
        assertThat(second.header("Content-Type")).startsWith("application/json");
        assertThat(first.json().get("result").get("topWords")).hasSize(4);
        assertThat(oneWord.json().get("result").get("topWords")).hasSize(1);
        assertThat(oneWord.header("ETag")).isNotEqualTo(first.header("ETag"));
    }

    @Test
    void unknownAndMalformedIdsAreNotFound() {
        for (String id : List.of("0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e", "not-a-uuid", "1-1-1-1-1")) {
            Api.Response response = api.get("/api/v1/jobs/" + id);
            assertThat(response.status()).as(id).isEqualTo(404);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(api.post("/api/v1/jobs/not-a-uuid/cancel", "application/json", "").status()).isEqualTo(404);
    }

    @Test
    void answersNotModifiedWhileTheJobIsUnchanged() {
        String id = finishedTextJob("etag me");
        Api.Response first = api.get("/api/v1/jobs/" + id);
        String etag = first.header("ETag");
        assertThat(etag).isNotBlank();
        assertThat(first.header("Last-Modified")).isNotBlank();

        Api.Response again = api.get("/api/v1/jobs/" + id, "If-None-Match", etag);

        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(etag);
        assertThat(again.header("Last-Modified")).isEqualTo(first.header("Last-Modified"));
        assertThat(api.get("/api/v1/jobs/" + id + "?top=1", "If-None-Match", etag).status()).isEqualTo(200);
    }

    @Test
    void answersNotModifiedToAWildcardSinceEveryJobFoundHasARepresentation() {
        // RFC 9110 13.1.2: "*" is false when a current representation exists (Spring ignores it on a GET).
        String id = finishedTextJob("any representation");
        String etag = api.get("/api/v1/jobs/" + id).header("ETag");

        Api.Response any = api.get("/api/v1/jobs/" + id, "If-None-Match", "*");
        Api.Response anyOfTop = api.get("/api/v1/jobs/" + id + "?top=1", "If-None-Match", "*");

        assertThat(any.status()).isEqualTo(304);
        assertThat(any.body()).isEmpty();
        assertThat(any.header("ETag")).isEqualTo(etag);
        assertThat(anyOfTop.status()).isEqualTo(304);
        assertThat(anyOfTop.header("ETag")).isNotEqualTo(etag);
        assertThat(api.get("/api/v1/jobs/" + UUID.randomUUID(), "If-None-Match", "*").status()).isEqualTo(404);
    }

    private String finishedTextJob(String text) {
        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"" + text + "\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        assertThat(api.awaitTerminal(id).get("status").asString()).isEqualTo("SUCCEEDED");
        return id;
    }

    private static List<String> words(JsonNode entries) {
        List<String> words = new ArrayList<>();
        entries.forEach(e -> words.add(e.get("word").asString()));
        return words;
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(e -> ids.add(e.get("id").asString()));
        return ids;
    }
}
