package dev.tally.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Delivery records (written by the job store with each terminal transition, updated here). */
@Repository
class WebhookRepository {

    private final JdbcClient jdbc;

    WebhookRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Due deliveries, read from the due index in order: the ORDER BY starts with the index's equality
     * column, because H2 uses an index for ORDER BY only when the ORDER BY starts with its columns
     * (otherwise it sorts every pending delivery at each poll).
     */
    static final String DUE = "SELECT * FROM webhook_delivery WHERE status = 'PENDING' AND next_attempt_at <= :now"
            + " ORDER BY status, next_attempt_at LIMIT :limit";

    /** {@link #DUE}, but past the deliveries known to go to the given receivers. */
    static final String DUE_ELSEWHERE = "SELECT * FROM webhook_delivery WHERE status = 'PENDING' AND next_attempt_at <= :now"
            + " AND (receiver IS NULL OR receiver NOT IN (:busy)) ORDER BY status, next_attempt_at LIMIT :limit";

    List<WebhookDelivery> due(Instant now, int limit) {
        return due(now, limit, Set.of());
    }

    /**
     * Due deliveries, earliest first, but for those known to go to one of {@code busyReceivers}
     * (see {@link #assignReceiver}).
     */
    List<WebhookDelivery> due(Instant now, int limit, Set<String> busyReceivers) {
        var statement = busyReceivers.isEmpty() ? jdbc.sql(DUE) : jdbc.sql(DUE_ELSEWHERE).param("busy", busyReceivers);
        return statement.param("now", ts(now)).param("limit", limit)
                .query(WebhookRepository::map).list();
    }

    /**
     * Notes the receiver ({@link Receiver}) of deliveries left due because it was busy, so that
     * {@link #due(Instant, int, Set)} looks past them while it is.
     */
    void assignReceiver(String receiver, List<UUID> deliveries) {
        if (!deliveries.isEmpty()) {
            jdbc.sql("UPDATE webhook_delivery SET receiver = :receiver WHERE id IN (:ids) AND receiver IS NULL")
                    .param("receiver", receiver).param("ids", deliveries).update();
        }
    }

    /**
     * Takes a due delivery for one attempt: moves its next attempt time past the attempt's
     * timeout, so another node does not send it at the same time; a node that dies mid-attempt
     * leaves it to be retried then.
     */
    boolean claim(WebhookDelivery delivery, Instant until) {
        return jdbc.sql("UPDATE webhook_delivery SET next_attempt_at = :until"
                        + " WHERE id = :id AND status = 'PENDING' AND next_attempt_at = :seen")
                .param("until", ts(until)).param("id", delivery.id()).param("seen", ts(delivery.nextAttemptAt()))
                .update() == 1;
    }

    /**
     * Records a delivered attempt, if the attempt's claim still holds.
     *
     * @param claimed the delivery as its claim left it
     * @return false when the claim ran out and another attempt took the delivery (whose outcome counts)
     */
    boolean delivered(WebhookDelivery claimed, Instant now, int httpStatus) {
        return jdbc.sql("UPDATE webhook_delivery SET status = 'DELIVERED', attempts = attempts + 1, last_attempt_at = :now,"
                        + " delivered_at = :now, last_status = :http, last_error = NULL, next_attempt_at = NULL"
                        + " WHERE id = :id AND status = 'PENDING' AND next_attempt_at = :claimed")
                .param("now", ts(now)).param("http", httpStatus)
                .param("id", claimed.id()).param("claimed", ts(claimed.nextAttemptAt())).update() == 1;
    }

    /**
     * Records a failed attempt, if the attempt's claim still holds: the delivery is due again at
     * {@code nextAttempt}, or FAILED when that is null.
     *
     * @param claimed the delivery as its claim left it
     * @return false when the claim ran out and another attempt took the delivery (whose outcome counts)
     */
    boolean attemptFailed(WebhookDelivery claimed, Instant now, Integer httpStatus, String error, Instant nextAttempt) {
        return jdbc.sql("UPDATE webhook_delivery SET status = :status, attempts = attempts + 1, last_attempt_at = :now,"
                        + " last_status = :http, last_error = :error, next_attempt_at = :next"
                        + " WHERE id = :id AND status = 'PENDING' AND next_attempt_at = :claimed")
                .param("status", nextAttempt == null ? "FAILED" : "PENDING")
                .param("now", ts(now)).param("http", httpStatus)
                .param("error", error == null ? null : error.substring(0, Math.min(500, error.length())))
                .param("next", ts(nextAttempt)).param("id", claimed.id())
                .param("claimed", ts(claimed.nextAttemptAt())).update() == 1;
    }

    List<WebhookDelivery> ofJob(UUID jobId) {
        return jdbc.sql("SELECT * FROM webhook_delivery WHERE job_id = :job ORDER BY created_at")
                .param("job", jobId).query(WebhookRepository::map).list();
    }

    private static WebhookDelivery map(ResultSet rs, int row) throws SQLException {
        return new WebhookDelivery(
                rs.getObject("id", UUID.class), rs.getObject("job_id", UUID.class), rs.getString("event"),
                rs.getString("url"), rs.getString("status"), rs.getInt("attempts"),
                instant(rs, "next_attempt_at"), instant(rs, "last_attempt_at"),
                rs.getObject("last_status", Integer.class), rs.getString("last_error"),
                instant(rs, "created_at"), instant(rs, "delivered_at"), rs.getString("receiver"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
