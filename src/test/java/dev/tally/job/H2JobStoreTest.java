package dev.tally.job;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

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
}
