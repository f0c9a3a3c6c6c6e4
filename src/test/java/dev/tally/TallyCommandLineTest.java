package dev.tally;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code java -jar tally.jar ARGS} does before it would start the service. */
class TallyCommandLineTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help"})
    void printsItsUsageWithTheCommandsInsteadOfStartingTheService(String help) {
        OptionalInt exit = run(help);

        assertThat(exit).hasValue(0);
        assertThat(stdout()).startsWith("Usage: java -jar tally.jar [--<property>=<value>...]\n").contains(
                "docs/configuration.md", "jobs", "Submit jobs to a Tally server and follow their progress.",
                "keys", "Create, list, revoke Tally API keys and change their role.");
    }

    @Test
    void printsItsUsageWhenHelpFollowsProperties() {
        assertThat(run("--server.port=8081", "--help")).hasValue(0);
        assertThat(stdout()).startsWith("Usage: java -jar tally.jar");
    }

    @Test
    void printsItsVersion() {
        assertThat(run("--version")).hasValue(0);
        // Classes run from a directory have no jar manifest to name the version.
        assertThat(stdout()).startsWith("Tally ");
    }

    @Test
    void refusesAMistypedCommandInsteadOfStartingTheService() {
        OptionalInt exit = run("jbos", "submit", "https://example.org/");

        assertThat(exit).hasValue(TallyCommandLine.USAGE_ERROR);
        assertThat(stderr()).startsWith("tally: 'jbos' is neither a command nor a --<property>=<value> option\n")
                .contains("Usage: java -jar tally.jar");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void refusesAPropertyValueGivenAsASeparateArgumentAndSaysHowToWriteIt() {
        // Spring Boot would start on port 8080 with server.port empty and 8081 ignored.
        OptionalInt exit = run("--server.port", "8081");

        assertThat(exit).hasValue(TallyCommandLine.USAGE_ERROR);
        assertThat(stderr()).startsWith("tally: '8081' is neither a command nor a --<property>=<value> option:"
                + " write --server.port=8081\n");
    }

    @Test
    void leavesPropertiesAndNoArgumentsAtAllToTheService() {
        assertThat(run()).isEmpty();
        assertThat(run("--server.port=8081", "--tally.roles=api", "--debug")).isEmpty();
        assertThat(stdout()).isEmpty();
        assertThat(stderr()).isEmpty();
    }

    private OptionalInt run(String... args) {
        return TallyCommandLine.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
