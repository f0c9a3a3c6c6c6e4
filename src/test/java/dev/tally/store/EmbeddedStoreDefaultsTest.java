package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A user's own URL for the embedded store gets the settings of Tally's default that it leaves out. */
class EmbeddedStoreDefaultsTest {

    private static final String SETTINGS = ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=128;DEFRAG_ALWAYS=TRUE";

    @Test
    void completesAFileStoreUrlThatNamesNoSettings() {
        assertThat(EmbeddedStoreDefaults.complete("jdbc:h2:file:/srv/tally/jobs")).isEqualTo("jdbc:h2:file:/srv/tally/jobs" + SETTINGS);
    }

    @Test
    void completesAFileStoreUrlWithoutTheFilePrefix() {
        assertThat(EmbeddedStoreDefaults.complete("jdbc:h2:./jobs")).isEqualTo("jdbc:h2:./jobs" + SETTINGS);
        assertThat(EmbeddedStoreDefaults.complete("jdbc:h2:~/tally/jobs")).isEqualTo("jdbc:h2:~/tally/jobs" + SETTINGS);
    }

    @Test
    void keepsTheSettingsTheUrlNamesWhateverTheirCase() {
        assertThat(EmbeddedStoreDefaults.complete("jdbc:h2:file:/srv/jobs;write_delay=200;Query_Cache_Size=16"))
                .isEqualTo("jdbc:h2:file:/srv/jobs;write_delay=200;Query_Cache_Size=16;DB_CLOSE_ON_EXIT=FALSE;DEFRAG_ALWAYS=TRUE");
    }

    @Test
    void leavesTheDefaultUrlAsItIs() {
        String defaultUrl = "jdbc:h2:file:./data/tally" + SETTINGS;
        assertThat(EmbeddedStoreDefaults.complete(defaultUrl)).isEqualTo(defaultUrl);
    }

    @Test
    void leavesStoresThatAreNotAFileOfThisProcessAlone() {
        for (String url : new String[] {"jdbc:h2:mem:tally-it;DB_CLOSE_DELAY=-1", "jdbc:h2:tcp://db.internal/tally",
                "jdbc:h2:ssl://db.internal/tally",
                "jdbc:postgresql://localhost:5432/tally"}) {
            assertThat(EmbeddedStoreDefaults.complete(url)).isEqualTo(url);
        }
    }
}
