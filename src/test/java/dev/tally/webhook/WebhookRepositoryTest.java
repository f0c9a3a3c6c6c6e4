package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Infrastructure;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An attempt records its outcome only while its claim holds, on both stores: an attempt that
 * outlived its claim (another node took the delivery meanwhile) leaves the delivery to the other.
 * The poll reads past the deliveries of receivers noted as busy.
 */
class WebhookRepositoryTest {

    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00.123Z");

    private Runnable dropStore = () -> { };
    private WebhookRepository repository;

    static Stream<String> stores() {
        return Stream.of("embedded", "postgresql");
    }

    @AfterEach
    void dropStore() {
        dropStore.run();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void anAttemptWhoseClaimRanOutDoesNotRecordItsOutcome(String store) {
        Instant firstClaim = NOW.plusSeconds(21);
        WebhookDelivery first = claimedDeliveryOn(store, firstClaim);
        // The first attempt hangs past its claim; another node claims the delivery again.
        WebhookDelivery stale = repository.due(firstClaim.plusMillis(1), 10).get(0);
        Instant secondClaim = firstClaim.plusSeconds(21);
        assertThat(repository.claim(stale, secondClaim)).isTrue();

        assertThat(repository.delivered(first, firstClaim.plusSeconds(2), 204)).isFalse();
        assertThat(repository.attemptFailed(first, firstClaim.plusSeconds(2), 500, "late", null)).isFalse();

        WebhookDelivery unchanged = repository.ofJob(first.jobId()).get(0);
        assertThat(unchanged.status()).isEqualTo("PENDING");
        assertThat(unchanged.attempts()).isZero();
        assertThat(unchanged.nextAttemptAt()).isEqualTo(secondClaim);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void anAttemptWhoseClaimHoldsRecordsItsOutcome(String store) {
        WebhookDelivery claimed = claimedDeliveryOn(store, NOW.plusSeconds(21));

        assertThat(repository.delivered(claimed, NOW.plusSeconds(1), 204)).isTrue();

        WebhookDelivery delivered = repository.ofJob(claimed.jobId()).get(0);
        assertThat(delivered.status()).isEqualTo("DELIVERED");
        assertThat(delivered.attempts()).isEqualTo(1);
        assertThat(delivered.lastStatus()).isEqualTo(204);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void readsPastTheDeliveriesOfBusyReceivers(String store) {
        JdbcClient jdbc = jdbcOn(store);
        repository = new WebhookRepository(jdbc);
        UUID busy = insertDelivery(jdbc, "https://slow.example.org/hooks", NOW.minusSeconds(3));
        UUID unnoted = insertDelivery(jdbc, "https://slow.example.org/hooks", NOW.minusSeconds(2));
        UUID other = insertDelivery(jdbc, "https://fast.example.org/hooks", NOW.minusSeconds(1));
        repository.assignReceiver("https://slow.example.org:443", List.of(busy));

        assertThat(repository.due(NOW, 10, Set.of("https://slow.example.org:443"))).extracting(WebhookDelivery::id)
                .containsExactly(unnoted, other);
        assertThat(repository.due(NOW, 10, Set.of("https://elsewhere.example.org:443"))).extracting(WebhookDelivery::id)
                .containsExactly(busy, unnoted, other);
        assertThat(repository.due(NOW, 10)).extracting(WebhookDelivery::receiver)
                .containsExactly("https://slow.example.org:443", null, null);
    }

    /** A due delivery on {@code store}, claimed for one attempt until {@code until}, as the claim left it. */
    private WebhookDelivery claimedDeliveryOn(String store, Instant until) {
        JdbcClient jdbc = jdbcOn(store);
        repository = new WebhookRepository(jdbc);
        WebhookDelivery due = pendingDelivery(jdbc, repository);
        assertThat(repository.claim(due, until)).isTrue();
        return due.claimedUntil(until);
    }

    /** A job with a callback that has just succeeded, and its delivery, due now. */
    private static WebhookDelivery pendingDelivery(JdbcClient jdbc, WebhookRepository repository) {
        insertDelivery(jdbc, "https://hooks.example.org/tally", NOW.minusSeconds(1));
        WebhookDelivery due = repository.due(NOW, 10).get(0);
        assertThat(due.nextAttemptAt()).isEqualTo(NOW.minusSeconds(1));
        return due;
    }

    /**
     * A job with a callback to {@code url} that succeeded, and its delivery, due since {@code due};
     * inserted as the job store does with a terminal transition (its own tests cover that part).
     */
    private static UUID insertDelivery(JdbcClient jdbc, String url, Instant due) {
        UUID job = UUID.randomUUID();
        UUID delivery = UUID.randomUUID();
        OffsetDateTime at = OffsetDateTime.ofInstant(due, ZoneOffset.UTC);
        jdbc.sql("INSERT INTO job (id, status, source_type, text_length, callback_url, attempts, version, created_at,"
                        + " updated_at, finished_at) VALUES (:id, 'SUCCEEDED', 'text', 5, :callback, 1, 2, :at, :at, :at)")
                .param("id", job).param("callback", url).param("at", at).update();
        jdbc.sql("INSERT INTO webhook_delivery (id, job_id, event, url, status, attempts, next_attempt_at, created_at)"
                        + " VALUES (:id, :job, 'job.succeeded', :url, 'PENDING', 0, :at, :at)")
                .param("id", delivery).param("job", job).param("url", url).param("at", at).update();
        return delivery;
    }

    private JdbcClient jdbcOn(String store) {
        DataSource dataSource;
        if (store.equals("embedded")) {
            var h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:webhooks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            h2.setUser("sa");
            dataSource = h2;
            dropStore = () -> JdbcClient.create(h2).sql("SHUTDOWN").update();
        } else {
            String schema = Infrastructure.uniqueName("webhooks");
            dataSource = Infrastructure.postgresDataSource(schema);
            dropStore = () -> Infrastructure.dropSchema(schema);
            Flyway.configure().dataSource(dataSource).schemas(schema).load().migrate();
            return JdbcClient.create(dataSource);
        }
        Flyway.configure().dataSource(dataSource).load().migrate();
        return JdbcClient.create(dataSource);
    }
}
