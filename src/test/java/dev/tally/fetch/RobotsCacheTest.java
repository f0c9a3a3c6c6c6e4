package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RobotsCacheTest {

    @ParameterizedTest
    @CsvSource({
        "'Tally/0.1 (+https://github.com/tally-dev/tally)', tally",
        "TallyTest/1.0, tallytest",
        "tally_bot-2, tally_bot-",
        "'/weird', tally",
    })
    void takesTheProductTokenOfTheUserAgent(String userAgent, String token) {
        assertThat(RobotsCache.productToken(userAgent)).isEqualTo(token);
    }

    @Test
    void theMostSpecificTallyRuleWins() {
        RobotsCache cache = new RobotsCache(Duration.ofHours(1), "Tally/0.1");
        RobotsCache.Entry entry = cache.parse("http://example.com/robots.txt",
                "User-agent: Tally\nDisallow: /a\nAllow: /a/open\nCrawl-delay: 2\n".getBytes(StandardCharsets.US_ASCII), "text/plain");

        assertThat(entry.failure()).isNull();
        assertThat(entry.allows("http://example.com/a/secret")).isFalse();
        assertThat(entry.allows("http://example.com/a/open/page")).isTrue();
        assertThat(entry.allows("http://example.com/b")).isTrue();
        assertThat(entry.crawlDelayNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    /** crawler-commons disallows every page past its longest delay (5 min); Tally waits 30 s at most instead. */
    @Test
    void keepsTheRulesOfARobotsTxtWithAHugeCrawlDelay() {
        RobotsCache cache = new RobotsCache(Duration.ofHours(1), "Tally/0.1");
        RobotsCache.Entry entry = cache.parse("http://example.com/robots.txt",
                "User-agent: *\nCrawl-delay: 100000\nDisallow: /private\n".getBytes(StandardCharsets.US_ASCII), "text/plain");

        assertThat(entry.allows("http://example.com/page")).isTrue();
        assertThat(entry.allows("http://example.com/private/page")).isFalse();
        assertThat(entry.crawlDelayNanos()).isEqualTo(Duration.ofSeconds(100_000).toNanos());
    }

    @Test
    void keepsARuleHeavyEntryHeavy() {
        RobotsCache cache = new RobotsCache(Duration.ofHours(1), "Tally/0.1");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            many.append("Disallow: /some/long/path/segment/number/").append(i).append('\n');
        }
        RobotsCache.Entry heavy = cache.parse("http://example.com/robots.txt",
                ("User-agent: *\n" + many).getBytes(StandardCharsets.US_ASCII), "text/plain");

        assertThat(RobotsCache.allowAll().weight()).isEqualTo(1);
        assertThat(heavy.weight()).isGreaterThan(100);
    }
}
