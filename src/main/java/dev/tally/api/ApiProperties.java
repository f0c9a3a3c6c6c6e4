package dev.tally.api;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the HTTP API ({@code tally.api.*}).
 *
 * @param maxBodySize largest request body accepted; larger ones get 413
 */
@Validated
@ConfigurationProperties("tally.api")
public record ApiProperties(@NotNull @DefaultValue("10MB") DataSize maxBodySize) {
}
