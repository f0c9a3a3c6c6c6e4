package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StorePropertiesTest {

    @Test
    void refusesAChunkRetentionShorterThanTwoSyncIntervals() {
        // Space of a replaced chunk must not be reused before its replacement has been forced to disk.
        assertThatThrownBy(() -> new StoreProperties(Duration.ofMillis(200), Duration.ofMillis(1500), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("tally.store.chunk-retention");
    }

    @Test
    void acceptsAnyChunkRetentionWhenTheFileIsNeverForcedToDisk() {
        var properties = new StoreProperties(Duration.ofMillis(200), Duration.ofMillis(100), Duration.ZERO, Duration.ofSeconds(1));

        assertThat(properties.syncs()).isFalse();
    }

    @Test
    void refusesAChunkRetentionH2CannotTake() {
        assertThatThrownBy(() -> new StoreProperties(Duration.ofMillis(200), Duration.ofDays(30), Duration.ofMillis(250), Duration.ofSeconds(1)))
                .hasMessageContaining("tally.store.chunk-retention");
        assertThatThrownBy(() -> new StoreProperties(Duration.ofMillis(200), Duration.ofSeconds(-1), Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("tally.store.chunk-retention");
    }

    @Test
    void refusesANegativeHousekeepingInterval() {
        assertThatThrownBy(() -> new StoreProperties(Duration.ofMillis(-1), Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofSeconds(1)))
                .hasMessageContaining("tally.store.housekeeping-interval");
    }

    @Test
    void treatsAZeroHousekeepingIntervalAsOff() {
        assertThat(new StoreProperties(Duration.ZERO, Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofSeconds(1)).housekeeps()).isFalse();
        assertThat(new StoreProperties(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofSeconds(1)).housekeeps()).isTrue();
    }

    @Test
    void refusesANegativeQuietCompactionInterval() {
        assertThatThrownBy(() -> new StoreProperties(Duration.ofMillis(25), Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(-1)))
                .hasMessageContaining("tally.store.quiet-compaction-interval");
    }

    @Test
    void treatsAZeroQuietCompactionIntervalAsOff() {
        assertThat(new StoreProperties(Duration.ofMillis(25), Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ZERO).compactsWhenQuiet()).isFalse();
        assertThat(new StoreProperties(Duration.ofMillis(25), Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1)).compactsWhenQuiet()).isTrue();
    }
}
