package dev.tally.job;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a node on PostgreSQL keeps its job time in step with the store's clock ({@code tally.clock.*}).
 *
 * @param maxSkew how far this host's clock may be from PostgreSQL's before job time follows
 *     PostgreSQL's instead (and a warning says so); it follows until they are within half of this again
 * @param checkInterval how often the two clocks are compared (also once at start, before any work)
 */
@Validated
@ConfigurationProperties("tally.clock")
public record ClockProperties(
        @NotNull @DefaultValue("1s") Duration maxSkew,
        @NotNull @DefaultValue("1m") Duration checkInterval) {

    public ClockProperties {
        if (maxSkew != null && (maxSkew.isNegative() || maxSkew.isZero())) {
            throw new IllegalArgumentException("tally.clock.max-skew must be positive");
        }
        if (checkInterval != null && checkInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("tally.clock.check-interval must be at least 1s");
        }
    }
}
