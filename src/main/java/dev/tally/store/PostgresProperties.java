package dev.tally.store;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Properties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tally's connections to PostgreSQL ({@code tally.postgres.*}); the embedded store ignores these.
 *
 * @param networkTimeout the longest a connection waits for PostgreSQL to answer what it sent
 *     (pgjdbc's {@code socketTimeout}, in whole seconds, rounded up). A connection whose server
 *     went silent (its host gone without closing the connection, a network partition, a failover
 *     that moved the address) then fails and is replaced, instead of holding its thread, and the
 *     work queued behind that thread, for as long as the operating system keeps the connection:
 *     for a statement the server had acknowledged, forever. Longer than any statement Tally makes
 *     (submissions give up after {@code tally.submit.commit-timeout}); schema migrations at start
 *     are exempt ({@code MigrationsWithoutNetworkTimeout}). {@code 0}: off. A
 *     {@code socketTimeout} in the JDBC URL or in {@code spring.datasource.hikari.data-source-properties}
 *     wins over this
 * @param notificationsUrl the JDBC URL of the one connection per node that listens for other
 *     nodes' job changes ({@code LISTEN}), when it must differ from {@code spring.datasource.url}:
 *     a PgBouncer in transaction pooling mode hands a session's statements to whichever server
 *     connection is free, so a {@code LISTEN} made through it is not heard. Same user and password.
 *     Empty: {@code spring.datasource.url}
 */
@Validated
@ConfigurationProperties("tally.postgres")
public record PostgresProperties(@NotNull @DefaultValue("60s") Duration networkTimeout, String notificationsUrl) {

    /** pgjdbc's {@code socketTimeout} takes at most this many seconds. */
    private static final long MAX_SOCKET_TIMEOUT_SECONDS = 2_147_484;
    /** The pgjdbc connection property {@link #networkTimeout} sets. */
    static final String SOCKET_TIMEOUT = "socketTimeout";
    /**
     * pgjdbc's switch for putting what the server and the statement held into its exception
     * messages: a failed batch entry's message carries the statement with every value bound to it
     * (a submitted text, hex-encoded, whole; a URL with its query), and those messages reach the
     * logs (the pool's "marked as broken" warning, the transaction's error) of a failure as
     * ordinary as an administrator ending the session.
     */
    static final String SERVER_ERROR_DETAIL = "logServerErrorDetail";

    public PostgresProperties {
        if (notificationsUrl != null && notificationsUrl.isBlank()) {
            notificationsUrl = null;
        }
        if (notificationsUrl != null && !notificationsUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("tally.postgres.notifications-url must be a jdbc:postgresql: URL");
        }
        if (networkTimeout != null && (networkTimeout.isNegative()
                || secondsRoundedUp(networkTimeout) > MAX_SOCKET_TIMEOUT_SECONDS)) {
            throw new IllegalArgumentException("tally.postgres.network-timeout must be between 0 and "
                    + MAX_SOCKET_TIMEOUT_SECONDS + " seconds");
        }
    }

    /**
     * Adds the network timeout to the properties a PostgreSQL connection is opened with, unless
     * they already name one or the timeout is off, and keeps bound values out of pgjdbc's exception
     * messages, unless they say otherwise. pgjdbc lets a URL parameter win over them.
     */
    public void applyTo(Properties connectionProperties) {
        connectionProperties.putIfAbsent(SERVER_ERROR_DETAIL, "false");
        if (!networkTimeout.isZero()) {
            connectionProperties.putIfAbsent(SOCKET_TIMEOUT, Long.toString(secondsRoundedUp(networkTimeout)));
        }
    }

    private static long secondsRoundedUp(Duration duration) {
        return duration.plusNanos(999_999_999).toSeconds();
    }
}
