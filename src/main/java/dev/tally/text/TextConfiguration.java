package dev.tally.text;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Makes the shared, stateless {@link TextAnalyzer} available for injection. */
@Configuration(proxyBeanMethods = false)
class TextConfiguration {

    @Bean
    TextAnalyzer textAnalyzer() {
        return new TextAnalyzer();
    }
}
