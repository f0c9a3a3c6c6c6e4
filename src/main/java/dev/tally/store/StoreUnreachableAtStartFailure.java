package dev.tally.store;

import java.sql.SQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a start that failed because the job store refused or did not answer the first
 * connection (PostgreSQL down, a wrong host, port, database, user or password): Spring printed
 * some 200 lines of nested bean creation failures around the driver's message.
 */
class StoreUnreachableAtStartFailure extends AbstractFailureAnalyzer<SQLException> {

    private final Environment environment;

    StoreUnreachableAtStartFailure(Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
        String state = cause.getSQLState();
        // 08: connection exception; 28: invalid authorization; 3D000: no such database.
        if (state == null || !(state.startsWith("08") || state.startsWith("28") || state.equals("3D000"))) {
            return null;
        }
        String url = environment.getProperty("spring.datasource.url", "(spring.datasource.url not set)");
        return new FailureAnalysis(
                "Tally could not connect to its job store at " + url + " (SQLSTATE " + state + "): " + cause.getMessage(),
                "Check that the database runs and accepts connections at that address, and that spring.datasource.url,"
                        + " spring.datasource.username and spring.datasource.password name it (docs/configuration.md)."
                        + " A node does not start without its store; started again (an orchestrator's restart), it"
                        + " starts once the store answers.",
                cause);
    }
}
