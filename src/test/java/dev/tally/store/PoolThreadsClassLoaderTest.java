package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanInitializationException;

class PoolThreadsClassLoaderTest {

    @Test
    void poolHousekeeperCarriesTheApplicationsLoaderWhenMadeUnderTheWebServers() throws Exception {
        ClassLoader application = PoolThreadsClassLoader.class.getClassLoader();
        try (URLClassLoader webApplication = new URLClassLoader(new URL[0], application);
                HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:h2:mem:pool-threads-loader");
            pool.setPoolName("PoolThreadsLoaderTest");
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            current.setContextClassLoader(webApplication);
            try {
                new PoolThreadsClassLoader().postProcessAfterInitialization(pool, "dataSource");
                pool.getConnection().close();
            } finally {
                current.setContextClassLoader(previous);
            }

            assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(thread -> thread.getName().equals("PoolThreadsLoaderTest:housekeeper"))
                    .singleElement()
                    .extracting(Thread::getContextClassLoader)
                    .isSameAs(application);
        }
    }

    @Test
    void failsOnceWhenTheStoreRefusesTheFirstConnection() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/none");
            pool.setPoolName("PoolThreadsLoaderDownTest");

            assertThatThrownBy(() -> new PoolThreadsClassLoader().postProcessAfterInitialization(pool, "dataSource"))
                    .isInstanceOf(BeanInitializationException.class)
                    .hasCauseInstanceOf(SQLException.class);
        }
    }
}
