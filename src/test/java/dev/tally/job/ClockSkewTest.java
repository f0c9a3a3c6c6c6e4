package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import dev.tally.support.TestSite;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Nodes whose clocks disagree, as a container with an unsynchronised clock does: every node keeps
 * job time by PostgreSQL's clock, so a worker node whose clock is ahead by more than a lease (this
 * application) does not take the jobs another node (a separate process, in step) is running as
 * abandoned; before, each ran again and again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class ClockSkewTest {

    private static final String SCHEMA = Infrastructure.uniqueName("clockskew");
    private static final String PREFIX = Infrastructure.uniqueName("tally-clockskew");
    /** A 3 s lease: the reconciler looks every 1.5 s, and a slow page is fetched for longer than that. */
    private static final List<String> SETTINGS = List.of("tally.worker.lease=3s", "tally.fetch.allow-private-networks=true",
            "tally.fetch.per-host-concurrency=16", "tally.fetch.per-host-interval=0ms");

    @TestConfiguration(proxyBeanMethods = false)
    static class HostClockAheadBy20Seconds {
        @Bean
        HostClock hostClock() {
            return new HostClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(20)));
        }
    }

    @DynamicPropertySource
    static void workerOnPostgresAndRabbitMq(DynamicPropertyRegistry registry) {
        Infrastructure.registerDistributed(registry, SCHEMA, PREFIX);
        registry.add("tally.roles", () -> "worker");
        for (String setting : SETTINGS) {
            String[] nameAndValue = setting.split("=", 2);
            registry.add(nameAndValue[0], () -> nameAndValue[1]);
        }
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, PREFIX);
    }

    @TempDir
    Path workDir;

    TestSite site = TestSite.get();

    @Test
    void runsEachJobOnceWhileAnotherWorkersClockIsAheadByMoreThanALease(CapturedOutput output) throws Exception {
        site.slowHtml("/clockskew/slow.html", 4000, "<p>a page that takes four seconds</p>");
        List<String> args = new ArrayList<>(Infrastructure.distributedArgs(SCHEMA, PREFIX));
        SETTINGS.forEach(setting -> args.add("--" + setting));
        try (TallyProcess inStep = TallyProcess.start(workDir, Infrastructure.withRoles(args, "api,worker"))) {
            Api api = inStep.api();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(api.submitUrl(site.url("/clockskew/slow.html?n=" + i)));
            }

            for (String id : ids) {
                JsonNode job = api.awaitTerminal(id);
                assertThat(job.get("status").asString()).as("job %s", id).isEqualTo("SUCCEEDED");
                assertThat(job.get("attempts").asInt()).as("attempts of job %s", id).isEqualTo(1);
            }
        }
        assertThat(output.getOut()).containsPattern("this host's clock is (19\\.9|20\\.0)\\d* s ahead of PostgreSQL's");
    }
}
