package dev.tally;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.logging.DeferredLogFactory;
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
 * records at build time, {@code tally.roles} and {@code tally.settings-check} added by hand); any
 * spelling Spring Boot binds ({@code maxBytes}, {@code max_bytes}) is taken, and keys or indexes
 * below a map or list setting. {@code tally.settings-check=warn} logs them instead (settings
 * shared by nodes of different versions, during an upgrade).
 *
 * <p>Checked: the sources Spring Boot has read when it prepares the environment (the command line,
 * configuration files, {@code SPRING_APPLICATION_JSON}) but the process environment and the JVM's
 * system properties, where {@code TALLY_…} variables and {@code -Dtally.…} properties may be meant
 * for other programs (the repository's scripts read several variables, and mark the processes they
 * start with {@code -Dtally.cluster.node}).
 */
final class UnknownSettings implements EnvironmentPostProcessor, Ordered {

    static final String METADATA = "META-INF/spring-configuration-metadata.json";
    static final String MODE = "tally.settings-check";
    private static final ConfigurationPropertyName TALLY = ConfigurationPropertyName.of("tally");
    private static final Set<String> NOT_CHECKED = Set.of(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, "configurationProperties");

    private final Log log;

    UnknownSettings(DeferredLogFactory logs) {
        this.log = logs.getLog(UnknownSettings.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String mode = environment.getProperty(MODE, "fail").trim();
        try {
            check(environment, known(UnknownSettings.class.getClassLoader()));
        } catch (UnknownSettingsException e) {
            if (!mode.equalsIgnoreCase("warn")) {
                throw e;
            }
            log.warn(e.getMessage() + " (ignored: " + MODE + "=warn); " + e.suggestions().replace('\n', ';'));
        }
    }

    /** After the configuration files are read. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /**
     * @param known Tally's settings, each with whether it takes keys or indexes below it (a map or a list)
     * @throws UnknownSettingsException naming every {@code tally.*} setting of {@code environment} not in {@code known}
     */
    static void check(ConfigurableEnvironment environment, Map<String, Boolean> known) {
        if (known.isEmpty()) {
            return; // no metadata on the class path (a build without the processor): nothing to check against
        }
        Map<ConfigurationPropertyName, Boolean> names = new HashMap<>();
        known.forEach((name, container) -> names.put(ConfigurationPropertyName.of(name), container));
        List<UnknownSettingsException.Unknown> unknown = new ArrayList<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (NOT_CHECKED.contains(source.getName()) || !(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                ConfigurationPropertyName setting = ConfigurationPropertyName.adapt(name, '.');
                if (TALLY.isAncestorOf(setting) && names.entrySet().stream().noneMatch(k ->
                        k.getKey().equals(setting) || (k.getValue() && k.getKey().isAncestorOf(setting)))) {
                    unknown.add(new UnknownSettingsException.Unknown(name, source.getName()));
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new UnknownSettingsException(unknown, known.keySet());
        }
    }

    /** The {@code tally.*} settings of every configuration metadata file on the class path, each with whether it is a map or a list. */
    static Map<String, Boolean> known(ClassLoader classLoader) {
        Map<String, Boolean> names = new TreeMap<>();
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
                                String type = property.has("type") ? property.get("type").asString() : "";
                                names.put(name, type.startsWith("java.util.Map<") || type.startsWith("java.util.List<")
                                        || type.startsWith("java.util.Set<") || type.endsWith("[]"));
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
