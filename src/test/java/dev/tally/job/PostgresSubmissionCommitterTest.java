package dev.tally.job;

/** Group commit of submissions on the real local PostgreSQL. */
class PostgresSubmissionCommitterTest extends SubmissionCommitterContract {

    @Override
    protected JobStoreContract store() {
        return new PostgresJobStoreTest();
    }
}
