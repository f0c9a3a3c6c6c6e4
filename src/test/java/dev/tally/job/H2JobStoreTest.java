package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The job store on the embedded default database (H2, in memory for speed here). */
class H2JobStoreTest extends JobStoreContract {

    private org.h2.jdbcx.JdbcDataSource dataSource;

    @Override
    protected DataSource freshDataSource(String schema) {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + schema + ";DB_CLOSE_DELAY=-1");
        dataSource.setUser("sa");
        return dataSource;
    }

    @Override
    protected void dropDataSource() {
        jdbc.sql("SHUTDOWN").update();
    }

    @Override
    protected boolean isolatesBySchema() {
        return false;
    }

    @Test
    void keepsSubmittedTextsInLobStorageRatherThanInsideTheTablesPages() {
        // In-row values of megabytes made H2 rewrite pages of several texts at once (V9).
        String type = jdbc.sql("""
                        SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS
                        WHERE TABLE_NAME = 'JOB_TEXT' AND COLUMN_NAME = 'CONTENT'""")
                .query(String.class).single();

        assertThat(type).isEqualTo("BINARY LARGE OBJECT");
    }

    @Test
    void readsAListPageFromTheOwnersIndexInsteadOfSortingAllTheirJobs() {
        for (boolean byStatus : new boolean[] {false, true}) {
            for (boolean afterCursor : new boolean[] {false, true}) {
                String plan = jdbc.sql("EXPLAIN " + JobRepository.listQuery(byStatus, afterCursor))
                        .param("owner", "client-1").param("status", "QUEUED").param("limit", 51)
                        .param("afterTime", OffsetDateTime.now(ZoneOffset.UTC)).param("afterId", UUID.randomUUID())
                        .query(String.class).single();
                assertThat(plan).as("status filter %s, after a cursor %s", byStatus, afterCursor)
                        .contains("/* index sorted */")
                        .contains(byStatus ? "JOB_OWNER_STATUS_NEWEST_IDX" : "JOB_OWNER_NEWEST_IDX");
            }
        }
    }

    @Test
    void readsTheDueJobsOfAClaimFromTheDueIndexInOrderWithoutLockingTheBacklog() {
        String plan = jdbc.sql("EXPLAIN " + JobClaims.dueQuery(false)).param("limit", 8).query(String.class).single();

        assertThat(plan).contains("JOB_DUE_IDX").contains("/* index sorted */").doesNotContain("FOR UPDATE");
    }

    @Test
    void readsBackAClaimWithItsShortTextsThroughBothPrimaryKeys() {
        String plan = jdbc.sql("EXPLAIN " + JobClaims.READ_BACK)
                .param("ids", PaddedIds.padded(List.of(UUID.randomUUID(), UUID.randomUUID())))
                .param("owner", "worker-1").param("lease", OffsetDateTime.now(ZoneOffset.UTC))
                .query(String.class).single();

        // H2 names primary key indexes PRIMARY_KEY_ and a suffix of its own.
        assertThat(plan).containsPattern("PRIMARY_KEY_\\w*: ID IN\\(").containsPattern("PRIMARY_KEY_\\w*: JOB_ID = J\\.ID");
    }

    @Test
    void changesAJobNamedByIdThroughThePrimaryKey() {
        var now = OffsetDateTime.now(ZoneOffset.UTC);
        String claim = jdbc.sql("EXPLAIN " + JobClaims.CLAIM_BY_ID)
                .param("owner", "worker-1").param("lease", now).param("now", now).param("id", UUID.randomUUID())
                .query(String.class).single();
        String succeed = jdbc.sql("EXPLAIN " + JobResults.SUCCEED)
                .param("now", now).param("id", UUID.randomUUID()).param("owner", "worker-1").param("attempt", 1)
                .query(String.class).single();

        assertThat(List.of(claim, succeed)).allSatisfy(plan -> assertThat(plan).contains("PRIMARY_KEY"));
    }
}
