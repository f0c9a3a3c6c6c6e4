package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.TallyApplication;
import dev.tally.support.TallyProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The start failures users meet most are explained in a few lines (Spring Boot's "APPLICATION
 * FAILED TO START": what happened, what to do) rather than by some 200 lines of nested bean
 * creation failures.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartFailureExplanationsTest {

    @TempDir
    Path workDir;

    @Test
    void explainsAnEmbeddedStoreAnotherProcessHasOpen(CapturedOutput output) throws Exception {
        try (TallyProcess first = TallyProcess.start(workDir)) {
            assertThatThrownBy(() -> start("--spring.datasource.url=jdbc:h2:file:" + workDir.resolve("data/tally")))
                    .isNotNull();
        }

        assertThat(output.getOut())
                .contains("APPLICATION FAILED TO START")
                .contains("The embedded job store is in use by another process (The file is locked: "
                        + workDir.resolve("data/tally.mv.db"))
                .contains("give this one a store of its own, for example --spring.datasource.url=jdbc:h2:file:");
    }

    @Test
    void explainsAStoreThatRefusesTheFirstConnection(CapturedOutput output) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + TallyProcess.freePort() + "/tally";

        assertThatThrownBy(() -> start("--spring.datasource.url=" + url, "--spring.datasource.username=tally"))
                .isNotNull();

        assertThat(output.getOut())
                .contains("APPLICATION FAILED TO START")
                .contains("Tally could not connect to its job store at " + url + " (SQLSTATE 08001)")
                .contains("Check that the database runs and accepts connections at that address");
        assertThat(output.getOut().lines().filter(line -> line.contains(" - Starting...")))
                .as("the store is asked once, not again by the migrations").hasSize(1);
    }

    @Test
    void explainsAnActuatorAtTheRootWithAuthenticationOn(CapturedOutput output) {
        assertThatThrownBy(() -> start("--spring.datasource.url=jdbc:h2:mem:actuator-at-the-root", "--tally.auth.mode=api-key",
                "--management.endpoints.web.base-path=/")).isNotNull();

        assertThat(output.getOut())
                .contains("APPLICATION FAILED TO START")
                .contains("management.endpoints.web.base-path=/ puts the actuator's endpoints among the API's paths,"
                        + " which tally.auth.mode=api-key cannot tell apart")
                .contains("Keep a base path such as /actuator");
    }

    private static void start(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--server.port=0";
        System.arraycopy(args, 0, all, 1, args.length);
        new SpringApplicationBuilder(TallyApplication.class).run(all).close();
    }
}
