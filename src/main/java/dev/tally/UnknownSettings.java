package dev.tally;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stops the start on a {@code tally.*} setting that Tally does not have: Spring Boot ignores a
 * name nothing binds, so a mistyped one ({@code --tally.store.path=/data}, {@code
 * tally.fetch.max-byte}) started the service on the default it meant to change, silently. The
 * settings Tally has are those of its configuration metadata (generated from the properties
 * records at build time, {@code tally.roles} added by hand); any spelling Spring Boot binds
 * ({@code maxBytes}, {@code max_bytes}) and any key of a map or index of a list is taken.
 *
 * <p>Checked: the command line, system properties, configuration files and every other source
 * but the process environment, where {@code TALLY_…} variables may be meant for other programs
 * (the repository's scripts read several).
 */
final class UnknownSettings implements EnvironmentPostProcessor, Ordered {

    static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final ConfigurationPropertyName TALLY = ConfigurationPropertyName.of("tally");
    private static final Set<String> NOT_CHECKED = Set.of(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, "configurationProperties");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        check(environment, known(UnknownSettings.class.getClassLoader()));
    }

    /** After the configuration files are read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** @throws UnknownSettingsException naming every {@code tally.*} setting of {@code environment} not in {@code known} */
    static void check(ConfigurableEnvironment environment, Set<String> known) {
        if (known.isEmpty()) {
            return; // no metadata on the class path (a build without the processor): nothing to check against
        }
        List<ConfigurationPropertyName> names = known.stream().map(ConfigurationPropertyName::of).toList();
        List<UnknownSettingsException.Unknown> unknown = new ArrayList<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (NOT_CHECKED.contains(source.getName()) || !(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                ConfigurationPropertyName setting = ConfigurationPropertyName.adapt(name, '.');
                if (TALLY.isAncestorOf(setting)
                        && names.stream().noneMatch(k -> k.equals(setting) || k.isAncestorOf(setting))) {
                    unknown.add(new UnknownSettingsException.Unknown(name, source.getName()));
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new UnknownSettingsException(unknown, known);
        }
    }

    /** The {@code tally.*} settings of every configuration metadata file on the class path. */
    static Set<String> known(ClassLoader classLoader) {
        Set<String> names = new TreeSet<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            Enumeration<URL> files = classLoader.getResources(METADATA);
            while (files.hasMoreElements()) {
                try (InputStream in = files.nextElement().openStream()) {
                    JsonNode properties = json.readTree(in).get("properties");
                    if (properties != null) {
                        properties.forEach(property -> {
                            String name = property.get("name").asString();
                            if (name.startsWith("tally.")) {
                                names.add(name);
                            }
                        });
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the configuration metadata", e);
        }
        return names;
    }
}
