package dev.tally.job;

import java.util.Collection;
import java.util.UUID;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * Many ids as one SQL array parameter, for {@code WHERE id = ANY(:ids)}. An expanded
 * {@code IN (:ids)} list gives every batch size a statement text of its own, so H2's per-session
 * statement cache and PostgreSQL's prepared statements kept missing and each batch was parsed
 * (and planned) afresh; with an array the text stays the same. Both stores read {@code = ANY} of
 * an array through the primary-key index.
 */
final class IdArrays {

    private IdArrays() {
    }

    static SqlArrayValue uuids(Collection<UUID> ids) {
        return new SqlArrayValue("uuid", ids.toArray());
    }

    static SqlArrayValue longs(Collection<Long> ids) {
        return new SqlArrayValue("bigint", ids.toArray());
    }
}
