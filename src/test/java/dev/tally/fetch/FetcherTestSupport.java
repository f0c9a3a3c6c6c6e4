package dev.tally.fetch;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

final class FetcherTestSupport {

    static final String USER_AGENT = "TallyTest/1.0";

    private FetcherTestSupport() {
    }

    /** Small limits so the slow and large cases fail fast. */
    static FetchProperties properties(boolean allowPrivateNetworks) {
        return properties(allowPrivateNetworks, Duration.ofSeconds(3), Duration.ofMillis(700));
    }

    static FetchProperties properties(boolean allowPrivateNetworks, Duration timeout, Duration readTimeout) {
        return new FetchProperties(allowPrivateNetworks, DataSize.ofKilobytes(64), timeout,
                Duration.ofSeconds(1), readTimeout, 3, USER_AGENT);
    }
}
