package dev.tally;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A {@code tally.*} setting Tally does not have stops the start, saying which and what its group
 * has; the settings it has pass in any spelling Spring Boot binds.
 */
class UnknownSettingsTest {

    private static final Map<String, Boolean> KNOWN = UnknownSettings.known(UnknownSettingsTest.class.getClassLoader());

    @Test
    void readsTheSettingsFromTheConfigurationMetadata() {
        assertThat(KNOWN).hasSizeGreaterThan(50).containsKeys("tally.fetch.max-bytes", "tally.queue", "tally.roles")
                .allSatisfy((name, container) -> assertThat(name).startsWith("tally."));
        assertThat(KNOWN).containsEntry("tally.rate-limit.clients", true).containsEntry("tally.cors.allowed-origins", true)
                .containsEntry("tally.worker.concurrency", false);
    }

    @Test
    void refusesAMisspeltSettingOnTheCommandLineAndNamesItsGroupsSettings() {
        StandardEnvironment environment = withCommandLine(Map.of("tally.store.path", "/data", "server.port", "8081"));

        UnknownSettingsException e = catchThrowableOfType(UnknownSettingsException.class,
                () -> UnknownSettings.check(environment, KNOWN));

        assertThat(e.getMessage()).isEqualTo("Tally has no setting tally.store.path (the command line)");
        assertThat(e.suggestions()).startsWith("tally.store.* are ").contains("housekeeping-interval", "sync-interval");
    }

    @Test
    void refusesASettingOfAGroupTallyDoesNotHaveAndListsTheGroups() {
        StandardEnvironment environment = withCommandLine(Map.of("tally.fetcher.max-bytes", "1MB"));

        UnknownSettingsException e = catchThrowableOfType(UnknownSettingsException.class,
                () -> UnknownSettings.check(environment, KNOWN));

        assertThat(e.suggestions()).startsWith("the settings are ").contains("tally.fetch.*", "tally.queue", "tally.roles");
    }

    @Test
    void namesTheGroupAsTallySpellsItWhateverTheSpellingWritten() {
        StandardEnvironment environment = withCommandLine(Map.of("tally.rateLimit.per-minute", "10"));

        UnknownSettingsException e = catchThrowableOfType(UnknownSettingsException.class,
                () -> UnknownSettings.check(environment, KNOWN));

        assertThat(e.suggestions()).isEqualTo("tally.rate-limit.* are clients, enabled, requests-per-minute");
    }

    @Test
    void refusesASettingBelowOneThatTakesNone() {
        StandardEnvironment environment = withCommandLine(Map.of("tally.worker.concurrency.max", "4"));

        assertThatThrownBy(() -> UnknownSettings.check(environment, KNOWN)).isInstanceOf(UnknownSettingsException.class);
    }

    @Test
    void takesEverySpellingSpringBootBindsAndTheKeysOfMapsAndLists() {
        StandardEnvironment environment = withCommandLine(Map.of(
                "tally.fetch.max-bytes", "1MB",
                "tally.fetch.maxBytes", "1MB",
                "tally.fetch.max_bytes", "1MB",
                "tally.rate-limit.clients[key:importer]", "50",
                "tally.rate-limit.clients.ip:10.0.0.1", "50",
                "tally.cors.allowed-origins[0]", "https://app.example",
                "tally.roles", "api",
                "tally.queue", "rabbitmq"));

        assertThatCode(() -> UnknownSettings.check(environment, KNOWN)).doesNotThrowAnyException();
    }

    /** The scripts mark the processes they start with -Dtally.cluster.node: a JVM property is not a setting. */
    @Test
    void leavesSystemPropertiesUnchecked() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                new MapPropertySource(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                        Map.of("tally.cluster.node", "api-1")));

        assertThatCode(() -> UnknownSettings.check(environment, KNOWN)).doesNotThrowAnyException();
    }

    /** TALLY_… variables may be meant for other programs: the repository's scripts read several. */
    @Test
    void leavesTheProcessEnvironmentUnchecked() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("TALLY_CLUSTER_DB", "tally_cluster", "TALLY_JAR", "/tmp/old.jar")));

        assertThatCode(() -> UnknownSettings.check(environment, KNOWN)).doesNotThrowAnyException();
    }

    @Test
    void checksTheSettingsOfAConfigurationFileToo(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("tally.yml"), "tally:\n  fetch:\n    max-byte: 1MB\n");
        SpringApplication application = new SpringApplication(TallyApplication.class);

        UnknownSettingsException e = catchThrowableOfType(UnknownSettingsException.class, () -> application.run(
                "--spring.config.additional-location=file:" + file, "--spring.main.web-application-type=none"));

        assertThat(e.unknown()).singleElement().satisfies(unknown -> {
            assertThat(unknown.name()).isEqualTo("tally.fetch.max-byte");
            assertThat(unknown.source()).contains("tally.yml");
        });
    }

    /** Settings shared by nodes of two versions, during an upgrade: the newer ones' names are logged, not refused. */
    @Test
    void onlyWarnsWhenToldTo() {
        StandardEnvironment environment = withCommandLine(Map.of("tally.settings-check", "warn", "tally.worker.concurency", "4"));

        assertThatCode(() -> new UnknownSettings(new DeferredLogs()).postProcessEnvironment(environment, new SpringApplication()))
                .doesNotThrowAnyException();
    }

    @Test
    void failsByDefault() {
        StandardEnvironment environment = withCommandLine(Map.of("tally.worker.concurency", "4"));

        assertThatThrownBy(() -> new UnknownSettings(new DeferredLogs()).postProcessEnvironment(environment, new SpringApplication()))
                .isInstanceOf(UnknownSettingsException.class);
    }

    @Test
    void stopsTheStartWithAnExplanationInsteadOfAStackTrace() {
        SpringApplication application = new SpringApplication(TallyApplication.class);

        Throwable failure = catchThrowableOfType(UnknownSettingsException.class,
                () -> application.run("--tally.worker.concurency=4", "--spring.main.web-application-type=none"));
        FailureAnalysis analysis = new UnknownSettingsFailure().analyze(failure);

        assertThat(analysis.getDescription()).startsWith("Tally has no setting tally.worker.concurency (the command line)");
        assertThat(analysis.getAction()).contains("tally.worker.* are concurrency, lease, poll-interval, shutdown-grace");
    }

    private static StandardEnvironment withCommandLine(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("commandLineArgs", settings));
        return environment;
    }
}
