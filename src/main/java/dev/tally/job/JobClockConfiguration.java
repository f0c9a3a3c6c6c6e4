package dev.tally.job;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JobClockConfiguration {

    /** Tests that need another clock everywhere define one as {@code @Primary}; one host's, a {@link HostClock}. */
    @Bean
    StoreClock clock(ObjectProvider<HostClock> host) {
        return new StoreClock(host.getIfAvailable(() -> new HostClock(Clock.systemUTC())).clock());
    }
}
