package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FetchConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(FetchProperties.class)
    static class Properties {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, FetchConfiguration.class);

    @Test
    void providesUrlPolicyAndPageFetcherFromProperties() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(UrlPolicy.class).hasSingleBean(PageFetcher.class);
            FetchProperties properties = context.getBean(FetchProperties.class);
            assertThat(properties.allowPrivateNetworks()).isFalse();
            assertThat(properties.maxBytes().toMegabytes()).isEqualTo(10);
            assertThat(properties.timeout().toSeconds()).isEqualTo(30);
            assertThat(properties.maxRedirects()).isEqualTo(5);
            assertThat(properties.respectRobots()).isTrue();
            assertThat(properties.robotsCacheTtl()).isEqualTo(Duration.ofHours(1));
            assertThat(properties.perHostConcurrency()).isEqualTo(2);
            assertThat(properties.perHostInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(RobotsCache.productToken(properties.userAgent())).isEqualTo("tally");
            assertThat(properties.largePageHeapPercent()).isEqualTo(40);
            assertThat(context.getBean(MeterRegistry.class).get("tally.fetch.large.pages.reserved").gauge().value())
                    .isZero();
            assertThat(context.getBean(PageFetcher.class)).isInstanceOf(TimedPageFetcher.class);
            assertThatThrownBy(() -> context.getBean(UrlPolicy.class).check("http://127.0.0.1/"))
                    .isInstanceOf(InvalidUrlException.class);
        });
    }

    @Test
    void readsAllowPrivateNetworks() {
        runner.withPropertyValues("tally.fetch.allow-private-networks=true").run(context ->
                assertThat(context.getBean(UrlPolicy.class).check("http://127.0.0.1/")).isNotNull());
    }

    @Test
    void readsPolitenessSettings() {
        runner.withPropertyValues("tally.fetch.respect-robots=false", "tally.fetch.robots-cache-ttl=10m",
                "tally.fetch.per-host-concurrency=5", "tally.fetch.per-host-interval=1s").run(context -> {
                    FetchProperties properties = context.getBean(FetchProperties.class);
                    assertThat(properties.respectRobots()).isFalse();
                    assertThat(properties.robotsCacheTtl()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(properties.perHostConcurrency()).isEqualTo(5);
                    assertThat(properties.perHostInterval()).isEqualTo(Duration.ofSeconds(1));
                });
    }

    @Test
    void refusesANegativePerHostInterval() {
        runner.withPropertyValues("tally.fetch.per-host-interval=-1s").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void closesTheFetcherOnShutdown() {
        AtomicReference<PageFetcher> fetcher = new AtomicReference<>();
        runner.run(context -> fetcher.set(context.getBean(PageFetcher.class)));

        assertThatThrownBy(() -> fetcher.get().fetch(URI.create("http://example.com/")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the page fetcher is closed");
    }
}
