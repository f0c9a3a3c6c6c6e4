package dev.tally.job;

/** Group commit of submissions on the embedded database (H2). */
class H2SubmissionCommitterTest extends SubmissionCommitterContract {

    @Override
    protected JobStoreContract store() {
        return new H2JobStoreTest();
    }
}
