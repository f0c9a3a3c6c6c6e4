package dev.tally.fetch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the URL rules and the HTTP fetcher from {@code tally.fetch.*}. */
@Configuration(proxyBeanMethods = false)
class FetchConfiguration {

    @Bean
    UrlPolicy urlPolicy(FetchProperties properties) {
        return new UrlPolicy(properties);
    }

    /** Closed on shutdown: stops the watchdog thread and the connection pool. */
    @Bean(destroyMethod = "close")
    PageFetcher pageFetcher(FetchProperties properties, MeterRegistry meters) {
        HttpPageFetcher fetcher = new HttpPageFetcher(properties);
        Gauge.builder("tally.fetch.large.pages.reserved", fetcher, HttpPageFetcher::largePagesReservedBytes)
                .description("heap held by large pages being fetched and counted (tally.fetch.large-page-heap-percent)")
                .baseUnit("bytes")
                .register(meters);
        return fetcher;
    }

    /** Webhooks obey the same destination rules as fetching. */
    @Bean(destroyMethod = "close")
    CallbackSender callbackSender(FetchProperties properties) {
        return new HttpCallbackSender(properties);
    }
}
