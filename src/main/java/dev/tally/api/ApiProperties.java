package dev.tally.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the HTTP API ({@code tally.api.*}).
 *
 * @param maxBodySize largest request body accepted; larger ones get 413
 * @param largeBodyHeapPercent share of the heap that JSON bodies larger than 256 KiB may take at
 *     once, each counted as eight times its size while it is read, parsed and stored; a body that
 *     finds no room within 10 s gets 503 with Retry-After
 * @param bodyReadTimeout time from the first read of a request body to its last byte; a body still
 *     arriving after it gets 408 and the connection is not reused (Tomcat's connection timeout bounds
 *     only the gap between two packets, so without this a body trickled in small pieces held its
 *     room in the heap budget for as long as the client liked)
 * @param eventStreamRecheck how often an open event stream reads its job again. A stream hears of
 *     its job's changes as they are announced; an announcement can be lost between nodes (while the
 *     store's notification connection is down), and without this a stream could miss its job's
 *     last change and stay open, pinged, until its 30-minute timeout
 * @param maxParked long-polls and event streams this node holds open at once; more get 503. Each
 *     holds a connection, and keeping this well below {@code server.tomcat.max-connections}
 *     (8,192) leaves connections for every other request
 * @param maxParkedPerClient long-polls and event streams one client (API key, token subject, or
 *     address when anonymous) holds open on this node at once; more get 429
 * @param maxBodyReads request bodies this node reads at once (JSON bodies, from the first byte
 *     read to the last, waiting for heap room included); more get 503. A body that arrives slowly
 *     holds a request thread as long as it takes, up to {@code bodyReadTimeout}: on Java 17, whose
 *     request threads are platform threads ({@code server.tomcat.threads.max}, 200), a few hundred
 *     bodies trickled in a byte at a time held them all and no other request was answered.
 *     Keeping this below that leaves threads for every other request
 * @param maxBodyReadsPerClient request bodies one client (as for {@code maxParkedPerClient}) has
 *     being read on this node at once; more get 429. A body in hand is read in microseconds, so
 *     only bodies that keep a client's requests waiting on the network count for long
 */
@Validated
@ConfigurationProperties("tally.api")
public record ApiProperties(@NotNull @DefaultValue("10MB") DataSize maxBodySize,
                            @Min(1) @Max(90) @DefaultValue("25") int largeBodyHeapPercent,
                            @NotNull @DefaultValue("60s") Duration bodyReadTimeout,
                            @NotNull @DefaultValue("60s") Duration eventStreamRecheck,
                            @Min(1) @Max(1_000_000) @DefaultValue("4096") int maxParked,
                            @Min(1) @Max(1_000_000) @DefaultValue("256") int maxParkedPerClient,
                            @Min(1) @Max(1_000_000) @DefaultValue("100") int maxBodyReads,
                            @Min(1) @Max(1_000_000) @DefaultValue("16") int maxBodyReadsPerClient) {

    public ApiProperties {
        if (bodyReadTimeout != null && (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero())) {
            throw new IllegalArgumentException("tally.api.body-read-timeout must be positive");
        }
        if (eventStreamRecheck != null && eventStreamRecheck.toMillis() < 100) {
            throw new IllegalArgumentException("tally.api.event-stream-recheck must be at least 100ms");
        }
    }
}
