package dev.tally.job;

import java.util.UUID;

/** No job with this id exists (never did, or was deleted or purged). */
public final class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(UUID id) {
        super("no job " + id);
    }
}
