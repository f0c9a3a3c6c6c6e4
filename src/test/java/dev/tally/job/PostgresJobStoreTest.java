package dev.tally.job;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The same store contract on the real local PostgreSQL (database {@code test}), each test in a
 * schema of its own. Set TALLY_TEST_POSTGRES_URL to point elsewhere.
 */
class PostgresJobStoreTest extends JobStoreContract {

    private String schema;
    private PGSimpleDataSource dataSource;

    @Override
    protected DataSource freshDataSource(String schema) {
        this.schema = schema;
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(System.getenv().getOrDefault("TALLY_TEST_POSTGRES_URL", "jdbc:postgresql://localhost:5432/test"));
        dataSource.setUser(System.getenv().getOrDefault("TALLY_TEST_POSTGRES_USER", "postgres"));
        dataSource.setCurrentSchema(schema);
        return dataSource;
    }

    @Override
    protected void dropDataSource() {
        jdbc.sql("DROP SCHEMA " + schema + " CASCADE").update();
    }

    @Override
    protected boolean isolatesBySchema() {
        return true;
    }
}
