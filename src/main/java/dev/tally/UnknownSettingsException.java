package dev.tally;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/** Settings under {@code tally.} that Tally does not have ({@link UnknownSettings}). */
final class UnknownSettingsException extends RuntimeException {

    /** A setting as it was written, and the property source it came from. */
    record Unknown(String name, String source) {
        @Override
        public String toString() {
            return name + " (" + switch (source) {
                case "commandLineArgs" -> "the command line";
                case "systemProperties" -> "a system property";
                default -> source;
            } + ")";
        }
    }

    private final List<Unknown> unknown;
    private final Set<String> known;

    UnknownSettingsException(List<Unknown> unknown, Set<String> known) {
        super("Tally has no setting " + unknown.stream().map(Unknown::toString).collect(Collectors.joining(", ")));
        this.unknown = List.copyOf(unknown);
        this.known = Set.copyOf(known);
    }

    List<Unknown> unknown() {
        return unknown;
    }

    /**
     * For each unknown setting, the settings its group has, or Tally's groups when its group is
     * unknown too: the name meant is likely among them.
     */
    String suggestions() {
        Set<String> lines = new TreeSet<>();
        for (Unknown setting : unknown) {
            ConfigurationPropertyName group = groupOf(ConfigurationPropertyName.adapt(setting.name(), '.'));
            Set<String> same = known.stream()
                    .map(ConfigurationPropertyName::of)
                    .filter(group::isAncestorOf)
                    .map(k -> k.subName(group.getNumberOfElements()).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            if (same.isEmpty()) {
                lines.add("the settings are " + String.join(", ", groups()));
            } else {
                // The group as Tally spells it, not as written (tally.rateLimit: tally.rate-limit).
                String spelt = known.stream().map(ConfigurationPropertyName::of).filter(group::isAncestorOf).findFirst()
                        .map(k -> k.chop(group.getNumberOfElements()).toString()).orElseThrow();
                lines.add(spelt + ".* are " + String.join(", ", same));
            }
        }
        return String.join("\n", lines);
    }

    /** Tally's groups ({@code tally.fetch.*}) and its settings outside any ({@code tally.queue}). */
    private Set<String> groups() {
        Set<String> groups = new TreeSet<>();
        for (String setting : known) {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(setting);
            ConfigurationPropertyName group = groupOf(name);
            groups.add(group.equals(name) ? setting : group + ".*");
        }
        return groups;
    }

    /** {@code tally.<group>}: the first two parts of a name. */
    private static ConfigurationPropertyName groupOf(ConfigurationPropertyName name) {
        return name.getNumberOfElements() > 2 ? name.chop(2) : name;
    }
}
