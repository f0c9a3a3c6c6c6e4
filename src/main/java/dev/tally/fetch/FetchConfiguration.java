package dev.tally.fetch;

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
    PageFetcher pageFetcher(FetchProperties properties) {
        return new HttpPageFetcher(properties);
    }

    /** Webhooks obey the same destination rules as fetching. */
    @Bean(destroyMethod = "close")
    CallbackSender callbackSender(FetchProperties properties) {
        return new HttpCallbackSender(properties);
    }
}
