package dev.tally.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Metrics table of docs/deployment.md, against the meters a running Tally serves. */
public final class MetricsDocs {

    private static final Pattern FAMILY = Pattern.compile("^# TYPE (tally_\\w+) ", Pattern.MULTILINE);

    private MetricsDocs() {
    }

    /**
     * Asserts that every Tally meter family of a {@code /actuator/prometheus} scrape is named in
     * docs/deployment.md (a timer's or a summary's {@code _max} goes with its meter).
     */
    public static void assertEveryTallyMeterDocumented(String scrape) {
        Set<String> served = new TreeSet<>();
        Matcher families = FAMILY.matcher(scrape);
        while (families.find()) {
            served.add(families.group(1));
        }
        served.removeIf(name -> name.endsWith("_max") && served.contains(name.substring(0, name.length() - 4)));
        String docs;
        try {
            docs = Files.readString(Path.of("docs/deployment.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(served).as("Tally's meters").hasSizeGreaterThan(5);
        assertThat(served).as("meters missing from docs/deployment.md's Metrics table")
                .allSatisfy(name -> assertThat(docs).contains("`" + name + "`"));
    }
}
