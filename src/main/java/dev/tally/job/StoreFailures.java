package dev.tally.job;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.TransactionTimedOutException;

/** Tells a failure of the store itself from a failure of what was written to it. */
final class StoreFailures {

    private StoreFailures() {
    }

    /**
     * No connection, a timeout, or the commit itself failed: writing the members of a failed batch
     * one by one would only make every caller wait longer for the same answer. (A failed commit
     * also leaves its outcome unknown, so its members must not simply be written again.)
     */
    static boolean isStoreFailure(RuntimeException e) {
        return e instanceof DataAccessResourceFailureException || e instanceof CannotCreateTransactionException
                || e instanceof QueryTimeoutException || e instanceof TransactionTimedOutException
                || e instanceof TransactionSystemException;
    }
}
