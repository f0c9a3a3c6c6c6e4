package dev.tally.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole application on a random port over real HTTP, with its embedded store in memory, small
 * retry backoffs, and private networks allowed so it can fetch the {@link TestSite} on loopback.
 * Test classes using exactly these settings share one running application.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-it;DB_CLOSE_DELAY=-1",
        "tally.fetch.allow-private-networks=true",
        "tally.fetch.timeout=3s",
        "tally.fetch.read-timeout=2s",
        "tally.fetch.per-host-interval=0ms",
        "tally.fetch.per-host-concurrency=32",
        "tally.retry.max-attempts=3",
        "tally.retry.initial-backoff=50ms",
        "tally.retry.max-backoff=200ms",
        "tally.worker.lease=3s",
        "tally.worker.poll-interval=200ms",
        "tally.api.max-body-size=1MB",
        "tally.webhooks.secret=" + TallyIntegrationTest.WEBHOOK_SECRET,
        "tally.webhooks.initial-backoff=200ms",
        "tally.webhooks.poll-interval=100ms",
        "tally.webhooks.timeout=2s"
})
public @interface TallyIntegrationTest {

    /** The webhook signing secret of the test application. */
    String WEBHOOK_SECRET = "whsec-test-7f3a9c";
}
