package dev.tally.queue;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The dispatch mode ({@code tally.queue}).
 *
 * @param queue {@code local} (the job table is the queue) or {@code rabbitmq}
 */
@Validated
@ConfigurationProperties("tally")
public record QueueProperties(@NotNull @DefaultValue("local") QueueType queue) {
}
