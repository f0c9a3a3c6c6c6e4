package dev.tally.store;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that failed because another process has the embedded store's file open (a
 * second Tally started in the same directory): Spring printed some 200 lines of nested bean
 * creation failures ending in H2's "Database may be already in use ... use the server mode",
 * advice that does not apply to Tally.
 */
class EmbeddedStoreInUseFailure extends AbstractFailureAnalyzer<MVStoreException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MVStoreException cause) {
        if (cause.getErrorCode() != DataUtils.ERROR_FILE_LOCKED) {
            return null;
        }
        return new FailureAnalysis(
                "The embedded job store is in use by another process (" + cause.getMessage() + "). H2 lets one process"
                        + " at a time open a store file: another Tally, or an H2 tool, has this one open.",
                "Stop the other process, or give this one a store of its own, for example"
                        + " --spring.datasource.url=jdbc:h2:file:./other-data/tally (Tally adds the settings the store"
                        + " needs; docs/configuration.md). For several processes on one store, run the distributed"
                        + " mode on PostgreSQL (docs/deployment.md).",
                cause);
    }
}
