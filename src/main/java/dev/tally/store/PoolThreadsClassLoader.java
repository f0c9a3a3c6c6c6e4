package dev.tally.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Starts the connection pool with the application's class loader as the thread's context class
 * loader, so that the threads the pool starts then (its housekeeper, and with an embedded file store
 * H2's writer) carry that loader and not the web server's. The pool is made while the embedded
 * Tomcat starts (its filters need the job store), with Tomcat's web-application loader as context
 * class loader, and its first connection used to come in that state. At stop Tomcat warns of every
 * thread still running with its loader ("appears to have started a thread named
 * [HikariPool-1:housekeeper] but has failed to stop it. This is very likely to create a memory
 * leak"), and the pool, closed just before, stops its housekeeper without waiting for it: a false
 * warning at some stops, which teaches operators to skip warnings at stop. A pool that cannot start
 * here (the store down) fails the start, once, as its first use (the migrations) did, with the
 * same explanation ({@link StoreUnreachableAtStartFailure}); left to that use, it waited for the
 * store twice (seen: 137 s instead of 74 s before a start against a silent address failed).
 */
@Component
class PoolThreadsClassLoader implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(PoolThreadsClassLoader.class);

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && !pool.isRunning() && !pool.isClosed()) {
            startWithApplicationLoader(pool);
        }
        return bean;
    }

    private static void startWithApplicationLoader(HikariDataSource pool) {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(PoolThreadsClassLoader.class.getClassLoader());
        try (Connection first = pool.getConnection()) {
            log.debug("{} started with the application's class loader", pool.getPoolName());
        } catch (SQLException e) {
            // Failed here rather than left to the first use: that would wait for the store again.
            throw new BeanInitializationException("the job store refused or did not answer the first connection", e);
        } finally {
            current.setContextClassLoader(previous);
        }
    }
}
