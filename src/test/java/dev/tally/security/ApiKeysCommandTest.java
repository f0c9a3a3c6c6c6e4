package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar tally.jar keys ...} against a real embedded store. */
class ApiKeysCommandTest {

    @TempDir
    Path dir;

    @Test
    void createsListsAndRevokesKeysWithoutEverListingTheSecret() {
        String url = "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0";

        String created = run(url, "create", "--name", "ci-pipeline", "--rate-limit", "120");
        String secret = created.lines().filter(l -> l.startsWith("key:")).findFirst().orElseThrow().substring(4).trim();
        String id = created.lines().filter(l -> l.startsWith("id:")).findFirst().orElseThrow().substring(3).trim();
        String listed = run(url, "list");
        String revoked = run(url, "revoke", id);
        String afterRevoke = run(url, "list");

        assertThat(secret).startsWith("tly_").hasSizeGreaterThan(40);
        assertThat(listed).contains("ci-pipeline", secret.substring(0, 12), "120", "never").doesNotContain(secret);
        assertThat(revoked).contains("revoked");
        assertThat(afterRevoke).doesNotContain(secret);
    }

    @Test
    void createsAnOperatorsKeyAndListsEachKeysRole() {
        String url = "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0";

        String created = run(url, "create", "--name", "prometheus", "--role", "operator");
        run(url, "create", "--name", "ci-pipeline");

        assertThat(created).contains("role:   operator");
        assertThat(run(url, "list").lines().filter(l -> l.contains("prometheus")).findFirst().orElseThrow()).contains(" operator ");
        assertThat(run(url, "list").lines().filter(l -> l.contains("ci-pipeline")).findFirst().orElseThrow()).contains(" client ");
    }

    /** A key made before roles existed is a client's; the scraper that used it gets its metrics again once it is an operator's. */
    @Test
    void changesAnExistingKeysRoleByItsPrefix() {
        String url = "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0";
        String created = run(url, "create", "--name", "old-scraper");
        String prefix = created.lines().filter(l -> l.startsWith("key:")).findFirst().orElseThrow().substring(4).trim()
                .substring(0, 12);

        assertThat(run(url, "role", prefix, "operator")).contains(prefix + " is now operator");
        assertThat(run(url, "list").lines().filter(l -> l.contains("old-scraper")).findFirst().orElseThrow()).contains(" operator ");
    }

    @Test
    void takesTheStoreOptionsAfterTheSubcommandToo() {
        String url = "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0";

        run("create", "--name", "after-the-subcommand", url);

        assertThat(run("list", url)).contains("after-the-subcommand");
        assertThat(run(url, "list")).contains("after-the-subcommand");
    }

    /** A bucket of no tokens answered every request of the key with a 500. */
    @Test
    void refusesARateLimitBelowOneRequestPerMinute() {
        var err = new StringWriter();
        var command = ApiKeysCommand.commandLine();
        command.setErr(new PrintWriter(err));

        int code = command.execute("--spring.datasource.url=jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0",
                "create", "--name", "nobody", "--rate-limit", "0");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--rate-limit must be at least 1");
    }

    @Test
    void revokesAKeyGivenWholeWithoutPrintingItBack() {
        String url = "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("tally") + ";WRITE_DELAY=0";
        String created = run(url, "create", "--name", "leaked");
        String secret = created.lines().filter(l -> l.startsWith("key:")).findFirst().orElseThrow().substring(4).trim();

        String revoked = run(url, "revoke", secret);

        assertThat(revoked).contains("revoked " + secret.substring(0, 12)).doesNotContain(secret);
        assertThat(run(url, "list")).contains("leaked").containsPattern("\\d{4}-\\d{2}-\\d{2}T.*\\d{4}-\\d{2}-\\d{2}T");
    }

    @Test
    void usesTheServicesDefaultEmbeddedStore() throws Exception {
        String yaml = Files.readString(Path.of("src/main/resources/application.yml"));
        assertThat(yaml).contains("url: " + ApiKeysCommand.DEFAULT_URL);
    }

    private static String run(String... args) {
        var out = new StringWriter();
        var command = ApiKeysCommand.commandLine();
        command.setOut(new PrintWriter(out));
        int code = command.execute(args);
        assertThat(code).as(out.toString()).isZero();
        return out.toString();
    }
}
