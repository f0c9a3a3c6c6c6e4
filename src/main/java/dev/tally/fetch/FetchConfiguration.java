package dev.tally.fetch;

import dev.tally.memory.HeapBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the URL rules and the HTTP fetcher from {@code tally.fetch.*}. */
@Configuration(proxyBeanMethods = false)
class FetchConfiguration {

    @Bean
    UrlPolicy urlPolicy(FetchProperties properties) {
        return new UrlPolicy(properties);
    }

    /**
     * The heap that large documents being counted may take at once in this process: fetched
     * pages, and the texts of text jobs, which workers reserve before loading them.
     */
    @Bean
    HeapBudget documentMemory(FetchProperties properties) {
        return HeapBudget.ofHeapPercent(properties.largePageHeapPercent(), HttpPageFetcher.PAGE_WEIGHT);
    }

    /** Closed on shutdown: stops the watchdog thread and the connection pool. Timed: {@link TimedPageFetcher}. */
    @Bean(destroyMethod = "close")
    PageFetcher pageFetcher(FetchProperties properties, HeapBudget documentMemory, MeterRegistry meters) {
        HttpPageFetcher fetcher = new HttpPageFetcher(properties, new AddressPolicy(properties.allowPrivateNetworks()),
                SystemDefaultDnsResolver.INSTANCE, documentMemory);
        Gauge.builder("tally.fetch.large.pages.reserved", documentMemory, HeapBudget::reservedBytes)
                .description("heap held by large pages and texts being counted (tally.fetch.large-page-heap-percent)")
                .baseUnit("bytes")
                .register(meters);
        return new TimedPageFetcher(fetcher, meters);
    }

    /** Webhooks obey the same destination rules as fetching. */
    @Bean(destroyMethod = "close")
    CallbackSender callbackSender(FetchProperties properties) {
        return new HttpCallbackSender(properties);
    }
}
