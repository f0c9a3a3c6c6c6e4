package dev.tally.job;

/** A submission refused because too many jobs are waiting (overall or for this client) or the store is nearly full. */
public final class AdmissionRefusedException extends RuntimeException {

    /** Which bound refused the submission. */
    public enum Bound {
        /** The service's unfinished jobs, or the node's submissions waiting for their commit (503). */
        SERVICE,
        /** This client's unfinished jobs (429). */
        CLIENT,
        /** The embedded store's room on its disk, {@code tally.admission.min-free-disk} (503). */
        STORAGE
    }

    private final Bound bound;

    AdmissionRefusedException(Bound bound, String message) {
        super(message);
        this.bound = bound;
    }

    public Bound bound() {
        return bound;
    }
}
