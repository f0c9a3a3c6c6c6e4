package dev.tally;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/configuration.md, the one place settings are documented, names every {@code tally.*}
 * setting the code binds (Spring Boot's configuration metadata, generated from the
 * {@code @ConfigurationProperties} records at build time), and no setting the code does not read.
 */
class ConfigurationDocsTest {

    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(tally\\.[^`<]+?)(\\.<[^`]+>)?`", Pattern.MULTILINE);

    @Test
    void documentsEveryTallySettingTheCodeBindsAndNoOther() throws IOException {
        Set<String> bound = boundSettings();
        Set<String> documented = documentedSettings();

        assertThat(bound).as("settings of the configuration metadata").hasSizeGreaterThan(50);
        assertThat(documented).as("settings bound but missing from docs/configuration.md").containsAll(bound);
        Set<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(bound);
        assertThat(unknown).as("settings in docs/configuration.md that nothing binds").isEmpty();
    }

    private static Set<String> boundSettings() throws IOException {
        try (InputStream metadata = ConfigurationDocsTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(metadata).as("configuration metadata (spring-boot-configuration-processor)").isNotNull();
            JsonNode properties = JsonMapper.builder().build().readTree(metadata).get("properties");
            Set<String> names = new TreeSet<>();
            properties.forEach(property -> {
                String name = property.get("name").asString();
                if (name.startsWith("tally.")) {
                    names.add(name);
                }
            });
            return names;
        }
    }

    private static Set<String> documentedSettings() throws IOException {
        Matcher rows = DOCUMENTED.matcher(Files.readString(Path.of("docs/configuration.md")));
        Set<String> names = new TreeSet<>();
        while (rows.find()) {
            names.add(rows.group(1));
        }
        return names;
    }
}
