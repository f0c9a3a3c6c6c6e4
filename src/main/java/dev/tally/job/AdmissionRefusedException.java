package dev.tally.job;

/** A submission refused because too many jobs are waiting (overall or for this client). */
public final class AdmissionRefusedException extends RuntimeException {

    private final boolean perClient;

    AdmissionRefusedException(boolean perClient, String message) {
        super(message);
        this.perClient = perClient;
    }

    /** True when this client's own bound was hit (429), false for the service's (503). */
    public boolean perClient() {
        return perClient;
    }
}
