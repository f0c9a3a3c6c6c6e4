package dev.tally.fetch;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

final class FetcherTestSupport {

    private FetcherTestSupport() {
    }

    static FetchProperties properties(boolean allowPrivateNetworks) {
        return new FetchProperties(allowPrivateNetworks, DataSize.ofKilobytes(64), Duration.ofSeconds(3),
                Duration.ofSeconds(1), Duration.ofMillis(700), 3, "TallyTest/1.0");
    }
}
