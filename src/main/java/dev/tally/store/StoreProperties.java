package dev.tally.store;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Upkeep of the embedded store's file ({@code tally.store.*}); PostgreSQL ignores these.
 *
 * @param housekeepingInterval time between rounds that rewrite the live pages of mostly dead chunks
 *     (10 MiB a second of interval: 256 KiB each at the default 25 ms), so the chunks die and their
 *     space is reused; {@code 0} turns the upkeep off, and the file then grows by nearly every
 *     commit until Tally restarts
 * @param chunkRetention how long a written chunk stays untouched before its space may be reused
 *     (H2's {@code RETENTION_TIME}, 45 s by default); the file holds about the bytes written in
 *     this time
 * @param syncInterval time between forcing the file to disk, at most half of {@code chunkRetention}
 *     (what H2's long default assumes of the operating system's write-back, made certain);
 *     {@code 0}: never forced
 * @param quietCompactionInterval time between looks at the store for a quiet one (nothing written
 *     since the last look): while less than 60 % of its chunks' bytes are live, a look rewrites
 *     up to 2 MiB of the emptiest chunks' live pages and writes them, which the housekeeping
 *     rounds leave to the next commit and a quiet store makes none; {@code 0}: off (after a burst
 *     the chunks stay as the last commit left them until the next write)
 */
@Validated
@ConfigurationProperties("tally.store")
public record StoreProperties(
        @NotNull @DefaultValue("25ms") Duration housekeepingInterval,
        @NotNull @DefaultValue("2s") Duration chunkRetention,
        @NotNull @DefaultValue("500ms") Duration syncInterval,
        @NotNull @DefaultValue("1s") Duration quietCompactionInterval) {

    public StoreProperties {
        if (housekeepingInterval != null && housekeepingInterval.isNegative()) {
            throw new IllegalArgumentException("tally.store.housekeeping-interval must not be negative");
        }
        if (chunkRetention != null && (chunkRetention.isNegative() || chunkRetention.toMillis() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("tally.store.chunk-retention must be between 0 and 24 days");
        }
        if (syncInterval != null && syncInterval.isNegative()) {
            throw new IllegalArgumentException("tally.store.sync-interval must not be negative");
        }
        if (quietCompactionInterval != null && quietCompactionInterval.isNegative()) {
            throw new IllegalArgumentException("tally.store.quiet-compaction-interval must not be negative");
        }
        if (chunkRetention != null && syncInterval != null && !syncInterval.isZero()
                && chunkRetention.compareTo(syncInterval.multipliedBy(2)) < 0) {
            // A dead chunk's space is reused once the chunk is this old; H2's 45 s default assumes
            // the newer chunks are on the disk by then, which the syncs make true for a short one.
            throw new IllegalArgumentException(
                    "tally.store.chunk-retention must be at least twice tally.store.sync-interval");
        }
    }

    boolean syncs() {
        return !syncInterval.isZero();
    }

    boolean compactsWhenQuiet() {
        return !quietCompactionInterval.isZero();
    }

    boolean housekeeps() {
        return !housekeepingInterval.isZero();
    }
}
