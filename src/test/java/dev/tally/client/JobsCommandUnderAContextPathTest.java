package dev.tally.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The command-line client of a Tally served under a path of its own
 * ({@code server.servlet.context-path}): {@code --server} names the path, and every request, the
 * list's next links included, stays under it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-cli-context-path;DB_CLOSE_DELAY=-1",
        "server.servlet.context-path=/tally"
})
class JobsCommandUnderAContextPathTest {

    private static final Pattern SUCCEEDED = Pattern.compile("SUCCEEDED ([0-9a-f-]{36})");

    @LocalServerPort
    int port;

    @Test
    void submitsFollowsShowsAndPrintsTheWordsOfAJob() {
        String server = "--server=http://127.0.0.1:" + port + "/tally";

        String[] submit = run("the path of its own, the path", "submit", server, "--text", "--follow", "--interval=PT0.1S", "-");
        Matcher done = SUCCEEDED.matcher(submit[1]);
        assertThat(submit[0]).as(submit[2]).isEqualTo("0");
        assertThat(done.find()).as(submit[1]).isTrue();
        String id = done.group(1);

        String[] show = run("", "show", server, id);
        String[] words = run("", "words", server, id);

        assertThat(show[0]).as(show[2]).isEqualTo("0");
        assertThat(show[1]).contains("SUCCEEDED " + id, "7 words, 5 distinct");
        assertThat(words[0]).as(words[2]).isEqualTo("0");
        assertThat(words[1]).startsWith("word,count\npath,2\nthe,2\n");
    }

    /** @return exit code, standard output, standard error */
    private static String[] run(String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = JobsCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err,
                Map.of(), false);
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }
}
