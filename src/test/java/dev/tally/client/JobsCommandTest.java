package dev.tally.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The command-line client against a running Tally: it submits pages and prints their ids, follows
 * them to their end without flooding the output (one line per finished job off a terminal, a frame
 * of a few lines drawn again in place on one), follows jobs by id, shows a job's top words, and
 * says plainly, with its exit code, what was refused or could not be reached.
 */
@TallyIntegrationTest
class JobsCommandTest {

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Moves the cursor to the start of the frame drawn before. */
    private static final Pattern FRAME_START = Pattern.compile("\033\\[\\d+F");

    @LocalServerPort
    int port;

    TestSite site = TestSite.get();
    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    record Run(int exitCode, String out, String err) {
    }

    @Test
    void submitPrintsTheIdOfEveryAcceptedJob() {
        site.html("/cli/one.html", "<p>one page</p>").html("/cli/two.html", "<p>another page</p>");

        Run run = jobs("", false, "submit", site.url("/cli/one.html"), site.url("/cli/two.html"));

        assertThat(run.exitCode()).isZero();
        List<String> ids = run.out().lines().toList();
        assertThat(ids).hasSize(2).allMatch(id -> JOB_ID.matcher(id).matches());
        assertThat(ids).allSatisfy(id -> assertThat(api.get("/api/v1/jobs/" + id).status()).isEqualTo(200));
    }

    @Test
    void followsSubmittedJobsToTheirEndWithOneLinePerFinishedJobOffATerminal() {
        site.html("/cli/follow-a.html", "<p>the quick brown fox</p>")
                .slowHtml("/cli/follow-b.html", 600, "<p>jumps over the lazy dog</p>")
                .page("/cli/follow-missing.html", 404, "text/html", "<p>gone</p>");

        Run run = jobs("", false, "submit", "--follow", "--interval=PT0.1S", site.url("/cli/follow-a.html"),
                site.url("/cli/follow-b.html"), site.url("/cli/follow-missing.html"));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(JobsCommand.FAILED_JOBS);
        assertThat(run.out()).doesNotContain("\033[");
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines).filteredOn(l -> l.startsWith("SUCCEEDED")).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains(site.url("/cli/follow-a.html"), "4 words, 4 distinct"))
                .anySatisfy(l -> assertThat(l).contains(site.url("/cli/follow-b.html"), "5 words, 5 distinct"));
        assertThat(lines).filteredOn(l -> l.startsWith("FAILED")).singleElement()
                .satisfies(l -> assertThat(l).contains(site.url("/cli/follow-missing.html"), "HTTP_STATUS"));
        assertThat(lines.get(3)).startsWith("# 3 jobs: 0 queued, 0 running, 2 succeeded, 1 failed");
    }

    @Test
    void drawsAFrameOfAFewLinesInPlaceOnATerminalHoweverManyJobsAreFollowed() {
        List<String> args = new ArrayList<>(List.of("submit", "--follow", "--interval=PT0.1S"));
        for (int i = 0; i < 30; i++) {
            site.slowHtml("/cli/many-" + i + ".html", 20 * i, "<p>page number " + i + "</p>");
            args.add(site.url("/cli/many-" + i + ".html"));
        }

        Run run = jobs("", true, args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] frames = FRAME_START.split(run.out());
        assertThat(frames.length).isGreaterThan(1);
        // Two lines of counts and bar, and the latest Frame.LATEST finished jobs: never one line per job.
        assertThat(Arrays.stream(frames).mapToLong(f -> f.lines().count()).max().getAsLong())
                .isLessThanOrEqualTo(2 + Progress.Frame.LATEST);
        // Cut to the terminal's width (80 when the shell does not say): a wrapped line would make the frame drift.
        assertThat(FRAME_START.matcher(run.out().replace("\033[2K", "")).replaceAll("").lines()).allSatisfy(line -> assertThat(line.length()).isLessThan(80));
        String last = frames[frames.length - 1];
        assertThat(last).contains("30 jobs: 0 queued, 0 running, 30 succeeded, 0 failed", "100 %");
        // The submissions' count was drawn in place too, and cleared before the frame.
        assertThat(run.err()).contains("\r\033[2Ksubmitted 30 of 30").endsWith("\r\033[2K");
    }

    @Test
    void followsJobsByIdReadFromStandardInput() {
        String first = api.postJson("/api/v1/jobs", "{\"text\":\"standard input carries ids\"}").json().get("id").asString();
        String second = api.postJson("/api/v1/jobs", "{\"text\":\"one id a line\"}").json().get("id").asString();

        Run run = jobs(first + "\n# a comment\n\n" + second + "\n", false, "follow", "--interval=PT0.1S", "-");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("SUCCEEDED " + first, "4 words", "SUCCEEDED " + second);
    }

    @Test
    void learnsTheStatesOfManyJobsFromPagesOfTheirListNotFromAPollOfEach() {
        var jobs = new FollowedJobs();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            JobView queued = JobView.of(api.postJson("/api/v1/jobs", "{\"text\":\"job number " + i + "\"}").json());
            jobs.follow(queued);
            ids.add(queued.id());
        }
        ids.forEach(id -> api.awaitTerminal(id.toString()));
        UUID deleted = ids.get(7);
        assertThat(api.delete("/api/v1/jobs/" + deleted).status()).isEqualTo(204);
        var client = new TallyClient(java.net.URI.create("http://localhost:" + port + "/"), null);

        FollowedJobs.Refresh refresh = jobs.refresh(client);

        assertThat(refresh.trouble()).isNull();
        assertThat(jobs.allFinished()).isTrue();
        assertThat(refresh.changed()).hasSize(40).filteredOn(j -> j.status().equals("SUCCEEDED")).hasSize(39);
        assertThat(refresh.changed()).filteredOn(j -> j.id().equals(deleted)).singleElement()
                .satisfies(j -> assertThat(j.status()).isEqualTo("DELETED"));
        // One page of 200 (the newest: these 40 and older ones, which end the pass), and the deleted job asked for alone.
        assertThat(client.requests()).isEqualTo(2);
    }

    @Test
    void refusesAnInvalidUrlAndSubmitsTheRest() {
        site.html("/cli/valid.html", "<p>valid</p>");

        Run run = jobs("", false, "submit", "ftp://example.com/file", site.url("/cli/valid.html"));

        assertThat(run.exitCode()).isEqualTo(JobsCommand.REFUSED);
        assertThat(run.err()).contains("refused ftp://example.com/file: the server answered 400");
        assertThat(run.out().lines().toList()).singleElement().matches(id -> JOB_ID.matcher(id).matches());
    }

    @Test
    void submitsTheTextOfStandardInput() {
        Run run = jobs("Words on standard input, words counted.", false, "submit", "--text", "--follow", "--interval=PT0.1S", "-");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("SUCCEEDED", "text of 39 characters", "6 words, 5 distinct");
    }

    @Test
    void showsAJobWithItsTopWords() {
        String id = api.postJson("/api/v1/jobs", "{\"text\":\"tally counts words and tally counts them fast\"}")
                .json().get("id").asString();
        api.awaitTerminal(id);

        Run run = jobs("", false, "show", id);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("SUCCEEDED " + id, "8 words, 6 distinct", "attempts: 1");
        assertThat(run.out()).containsPattern("\\s+2  counts\\s+#+").containsPattern("\\s+2  tally\\s+#+");
    }

    @Test
    void printsEveryWordOfASucceededJobAsCsv() {
        String id = api.postJson("/api/v1/jobs", "{\"text\":\"b a b c b a\"}").json().get("id").asString();
        api.awaitTerminal(id);

        Run run = jobs("", false, "words", id);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("word,count\nb,3\na,2\nc,1\n");
    }

    @Test
    void saysWhyAJobHasNoWordsYet() {
        site.slowHtml("/cli/words-later.html", 2_000, "<p>later</p>");
        String id = api.submitUrl(site.url("/cli/words-later.html"));

        Run run = jobs("", false, "words", id);

        assertThat(run.exitCode()).isEqualTo(JobsCommand.FAILED_JOBS);
        assertThat(run.err()).contains("the server answered 409");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void stopsFollowingAtTheTimeoutWhileTheJobGoesOn() {
        site.slowHtml("/cli/slow.html", 2_500, "<p>slow</p>");

        Run run = jobs("", false, "submit", "--follow", "--interval=PT0.1S", "--timeout=PT0.5S", site.url("/cli/slow.html"));

        assertThat(run.exitCode()).isEqualTo(JobsCommand.TIMED_OUT);
        assertThat(run.err()).contains("stopped following after PT0.5S");
        assertThat(run.out()).contains("# 1 job: ").doesNotContain("1 succeeded");
    }

    /** A --server that is not Tally may answer anything: its answer is not read past a bound. */
    @Test
    void stopsReadingAnAnswerFarLargerThanAnyOfTallys() {
        site.hugeText("/not-tally/", 256L * 1024 * 1024);

        Run run = jobs("", false, "show", "--server=" + site.url("/not-tally/"), UUID.randomUUID().toString());

        assertThat(run.exitCode()).isEqualTo(JobsCommand.UNREACHABLE);
        assertThat(run.err()).contains("larger than 16 MiB");
    }

    @Test
    void saysWhenTheServerCannotBeReached() {
        Run run = jobs("", false, "show", "--server=http://127.0.0.1:9", UUID.randomUUID().toString());

        assertThat(run.exitCode()).isEqualTo(JobsCommand.UNREACHABLE);
        assertThat(run.err()).contains("cannot connect to http://127.0.0.1:9/");
    }

    @Test
    void refusesAWrongOptionBeforeSubmittingAnything() {
        String url = site.url("/cli/not-submitted.html");

        Run run = jobs("", false, "submit", "--follow", "--interval=PT0S", url);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--interval must be positive");
        assertThat(run.out()).isEmpty();
        // The newest jobs (it would be the newest of all) hold no job for the page.
        assertThat(api.get("/api/v1/jobs?limit=20").json().get("items").valueStream()
                .map(job -> job.path("source").path("url").asString(""))).doesNotContain(url);
    }

    @Test
    void namesTheRequestOfAServerErrorForItsOperators() {
        String id = UUID.randomUUID().toString();
        site.handle("/api/v1/jobs/" + id, exchange -> {
            byte[] problem = "{\"title\":\"Internal Server Error\",\"status\":500,\"detail\":\"unexpected error\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            exchange.getResponseHeaders().add("X-Request-Id", "srv-5f0c2a4e");
            exchange.sendResponseHeaders(500, problem.length);
            exchange.getResponseBody().write(problem);
            exchange.close();
        });
        String siteRoot = site.url("/").replaceAll("/$", "");

        Run run = jobs("", false, "show", "--server=" + siteRoot, id);

        assertThat(run.exitCode()).isEqualTo(JobsCommand.UNREACHABLE);
        assertThat(run.err()).contains("the server answered 500: unexpected error (request id srv-5f0c2a4e)");
    }

    /** A job whose id is not printed is made again by the next run of the same list. */
    @Test
    void printsTheIdOfEveryJobAcceptedBeforeTheClientWasRefused() {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        site.handle("/refusing/api/v1/jobs", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] answer;
            if (body.contains("revoked")) {
                sleep(1_000); // the others are answered meanwhile
                answer = "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"the API key was revoked\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(401, answer.length);
            } else {
                String id = UUID.randomUUID().toString();
                accepted.add(id);
                answer = ("{\"id\":\"" + id + "\",\"status\":\"QUEUED\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(202, answer.length);
            }
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        List<String> args = new ArrayList<>(List.of("submit", "--server=" + site.url("/refusing"), "https://example.com/revoked"));
        for (int i = 1; i <= 11; i++) {
            args.add("https://example.com/page-" + i);
        }

        Run run = jobs("", false, args.toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(JobsCommand.UNREACHABLE);
        assertThat(accepted).isNotEmpty();
        assertThat(run.out().lines()).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(run.err()).contains("the API key was revoked", "with " + accepted.size() + " of 12 submitted");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A --server that is not Tally (or a proxy's page) may answer 200 with JSON that is no job. */
    @Test
    void saysWhenAnAnswerIsNotAJob() {
        String badTime = UUID.randomUUID().toString();
        String badId = UUID.randomUUID().toString();
        answerJson("/api/v1/jobs/" + badTime, "{\"id\":\"" + badTime + "\",\"status\":\"QUEUED\",\"createdAt\":\"yesterday\"}");
        answerJson("/api/v1/jobs/" + badId, "{\"id\":\"job-7\",\"status\":\"QUEUED\"}");
        String siteRoot = site.url("/").replaceAll("/$", "");

        for (String id : List.of(badTime, badId)) {
            Run run = jobs("", false, "show", "--server=" + siteRoot, id);

            assertThat(run.exitCode()).isEqualTo(JobsCommand.UNREACHABLE);
            assertThat(run.err()).startsWith("tally: the server answered 200 with a job that is not what the API promises")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    /** Accepted, but not as Tally accepts: the run stops as for a refused client, not source by source. */
    @Test
    void stopsSubmittingWhenAnAcceptanceIsNotAJob() {
        answerJson("/not-tally/api/v1/jobs", 202, "{\"status\":\"QUEUED\"}");

        Run run = jobs("", false, "submit", "--server=" + site.url("/not-tally"), "https://example.com/a", "https://example.com/b");

        assertThat(run.exitCode()).isEqualTo(JobsCommand.UNREACHABLE);
        assertThat(run.err()).contains("the server answered 202 with a job that is not what the API promises")
                .doesNotContain("refused");
    }

    private void answerJson(String path, String json) {
        answerJson(path, 200, json);
    }

    private void answerJson(String path, int status, String json) {
        site.handle(path, exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    @Test
    void refusesAServerThatIsNotAnHttpUrl() {
        Run run = jobs("", false, "show", "--server=localhost:8080", UUID.randomUUID().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--server must be an http or https URL");
    }

    private Run jobs(String stdin, boolean terminal, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = JobsCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                out, err,
                Map.of("TALLY_SERVER", "http://localhost:" + port), terminal);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

}
