package dev.tally.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** How the embedded store (H2) runs the delivery poll: from the due index, in order. */
class WebhookRepositoryPlanTest {

    @Test
    void readsDueDeliveriesFromTheDueIndexInsteadOfSortingEveryPendingOne() {
        var dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:webhook-plan-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        Flyway.configure().dataSource(dataSource).load().migrate();
        var jdbc = JdbcClient.create(dataSource);
        try {
            String plan = jdbc.sql("EXPLAIN " + WebhookRepository.DUE)
                    .param("now", OffsetDateTime.now(ZoneOffset.UTC)).param("limit", 20)
                    .query(String.class).single();

            assertThat(plan).contains("WEBHOOK_DELIVERY_DUE_IDX").contains("/* index sorted */");
            String pastBusyReceivers = jdbc.sql("EXPLAIN " + WebhookRepository.DUE_ELSEWHERE)
                    .param("now", OffsetDateTime.now(ZoneOffset.UTC)).param("limit", 20)
                    .param("busy", java.util.List.of("https://slow.example.org:443", "http://127.0.0.1:8080"))
                    .query(String.class).single();
            assertThat(pastBusyReceivers).contains("WEBHOOK_DELIVERY_DUE_IDX").contains("/* index sorted */");
        } finally {
            jdbc.sql("SHUTDOWN").update();
        }
    }
}
