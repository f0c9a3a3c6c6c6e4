package dev.tally.store;

import java.sql.SQLException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.stereotype.Component;

/**
 * The translation of the store's SQL exceptions (Boot gives this bean to its {@code JdbcTemplate},
 * and so to every {@code JdbcClient} of the application): Spring's own, except that a PostgreSQL
 * that takes no writes is a store that is unavailable, like one that cannot be reached. The API
 * then answers {@code 503} with {@code Retry-After}, and workers try their claims and results again
 * later. A server is read-only as a hot standby (a failover that left Tally on the old primary) or
 * by {@code default_transaction_read_only}, which some hosted PostgreSQL services switch on when
 * their disk is nearly full. Spring leaves that SQLSTATE ({@code 25006},
 * read_only_sql_transaction) uncategorized, and the API answered {@code 500} (seen: every
 * submission {@code 500} "internal error" after {@code ALTER DATABASE … SET
 * default_transaction_read_only = on}).
 */
@Component
class ReadOnlyStoreTranslation extends SQLExceptionSubclassTranslator {

    static final String READ_ONLY_SQL_TRANSACTION = "25006";

    @Override
    protected DataAccessException doTranslate(String task, String sql, SQLException e) {
        for (SQLException cause = e; cause != null; cause = cause.getNextException()) {
            if (READ_ONLY_SQL_TRANSACTION.equals(cause.getSQLState())) {
                // Not the driver's message: a batch's names every statement with its values.
                return new DataAccessResourceFailureException(task + ": the job store takes no writes (SQLSTATE "
                        + READ_ONLY_SQL_TRANSACTION + ", read_only_sql_transaction)", e);
            }
        }
        return super.doTranslate(task, sql, e);
    }
}
