package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV download, or the compatible API's answer of a succeeded job, holds its job's stored
 * histogram for as long as the client takes to read it. A
 * histogram of a million distinct words is 5 MB even compressed, so unbounded, clients that read
 * slowly ran a 512 MB node out of memory with 150 downloads (its workers and every other request
 * failing with it). Large histograms are held within a heap budget instead:
 * the downloads that find no room get {@code 503} and {@code Retry-After}, the others their whole
 * answer, and the node stays up. A Tally of its own (-Xmx384m, {@link TallyProcess}).
 */
class SlowWordsDownloadsMemoryTest {

    private static final int DISTINCT_WORDS = 1_000_000;
    private static final int DOWNLOADS = 120;

    @TempDir
    Path workDir;

    @Test
    void keepsTheNodeUpUnderManySlowDownloadsOfALargeHistogram() throws Exception {
        try (TallyProcess tally = TallyProcess.start(workDir)) {
            Api api = tally.api();
            String id = api.postJson("/api/v1/jobs", "{\"text\":\"" + distinctWords() + "\"}").json().get("id").asString();
            api.awaitJob(id, job -> job.get("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(90));

            List<Future<String>> answers = new ArrayList<>();
            ExecutorService readers = Executors.newFixedThreadPool(DOWNLOADS);
            try {
                for (int i = 0; i < DOWNLOADS; i++) {
                    // Half of them the compatible API's answer, which holds the histogram as long.
                    String path = i % 2 == 0 ? "/api/v1/jobs/" + id + "/words" : "/word-count?job_id=" + id;
                    answers.add(readers.submit(() -> slowDownload(tally.port(), path)));
                }
                List<String> read = new ArrayList<>();
                for (Future<String> answer : answers) {
                    read.add(answer.get(120, TimeUnit.SECONDS));
                }
                assertThat(read).as(tally.logTail()).allMatch(answer -> answer.matches(
                        "(?s)(200 csv whole|200 json whole|503 .*Retry-After.*(large-results-busy|The service is busy; retry later).*)"));
                // Some are answered whole, and (a few fit in the heap budget at once) both APIs refuse the rest.
                assertThat(read).anyMatch(answer -> answer.startsWith("200 "))
                        .anyMatch(answer -> answer.contains("large-results-busy"))
                        .anyMatch(answer -> answer.contains("The service is busy"));
            } finally {
                readers.shutdownNow();
            }
            assertThat(api.get("/actuator/health").status()).isEqualTo(200);
            assertThat(tally.logTail()).doesNotContain("OutOfMemoryError");
        }
    }

    /**
     * A download read at ~3 MB/s (HTTP/1.0: the answer not in chunks): "200 csv whole" when it is a
     * header and a row per word, "200 json whole" when the compatible API's answer ends as a whole
     * one does, else the status and the whole answer.
     */
    private static String slowDownload(int port, String path) throws IOException, InterruptedException {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/csv\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 64 * 1024);
            String status = in.readLine().split(" ")[1];
            var answer = new StringBuilder();
            String line;
            while (!(line = in.readLine()).isEmpty()) {
                answer.append(line).append('\n');
            }
            if (!status.equals("200")) {
                for (int c = in.read(); c >= 0; c = in.read()) {
                    answer.append((char) c);
                }
                return status + " " + answer;
            }
            if (path.startsWith("/word-count")) {
                char[] buffer = new char[64 * 1024];
                String tail = "";
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    tail = (tail + new String(buffer, 0, n));
                    tail = tail.substring(Math.max(0, tail.length() - 16));
                    Thread.sleep(20);
                }
                return tail.endsWith("}}}") ? "200 json whole" : "200 json cut short: " + tail;
            }
            long rows = 0;
            while (in.readLine() != null) {
                if (++rows % 8192 == 0) {
                    Thread.sleep(20); // ~64 KB of rows
                }
            }
            return rows == DISTINCT_WORDS + 1 ? "200 csv whole" : "200 csv cut short after " + rows + " rows";
        }
    }

    /** A million different words of five to eight random letters, each once. */
    private static String distinctWords() {
        Random random = new Random(7);
        Set<String> words = new HashSet<>(2 * DISTINCT_WORDS);
        var text = new StringBuilder(DISTINCT_WORDS * 8);
        char[] word = new char[8];
        while (words.size() < DISTINCT_WORDS) {
            int length = 5 + random.nextInt(4);
            for (int i = 0; i < length; i++) {
                word[i] = (char) ('a' + random.nextInt(26));
            }
            String next = new String(word, 0, length);
            if (words.add(next)) {
                text.append(next).append(' ');
            }
        }
        return text.toString();
    }
}
