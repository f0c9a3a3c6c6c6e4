package dev.tally.job;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JobClockConfiguration {

    @Bean
    @ConditionalOnMissingBean(Clock.class)
    StoreClock clock(ObjectProvider<HostClock> host) {
        return new StoreClock(host.getIfAvailable(() -> new HostClock(Clock.systemUTC())).clock());
    }
}
