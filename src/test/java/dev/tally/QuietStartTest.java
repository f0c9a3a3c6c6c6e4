package dev.tally;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A start with the defaults warns only of what the operator should act on: an operator learns to
 * skip warnings that come at every start, and then misses the one that matters.
 */
@ExtendWith(OutputCaptureExtension.class)
class QuietStartTest {

    @Test
    void warnsAtStartOnlyThatWebhooksAreUnsigned(CapturedOutput output) {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TallyApplication.class).run(
                "--server.port=0", "--spring.datasource.url=jdbc:h2:mem:quiet-start;DB_CLOSE_DELAY=-1")) {
            assertThat(app.isRunning()).isTrue();
        }

        assertThat(output.getOut().lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("tally.webhooks.secret is not set: webhooks are sent unsigned");
    }

    /**
     * Tomcat warns at stop of every thread still running with its web-application class loader
     * ("appears to have started a thread named [HikariPool-1:housekeeper] ... very likely to create
     * a memory leak"). The pool waits at close for its threads that add and close connections, not
     * for its housekeeper: made with that loader, it was still running at some stops.
     */
    @Test
    void runsThePoolsHousekeeperWithTheApplicationsClassLoader() {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TallyApplication.class).run(
                "--server.port=0", "--spring.datasource.url=jdbc:h2:mem:quiet-stop;DB_CLOSE_DELAY=-1",
                "--spring.datasource.hikari.pool-name=QuietStopPool")) {
            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(thread -> thread.getName().equals("QuietStopPool:housekeeper"))
                    .singleElement()
                    .extracting(Thread::getContextClassLoader)
                    .isSameAs(TallyApplication.class.getClassLoader());
        }
    }
}
