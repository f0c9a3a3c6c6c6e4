package dev.tally.api;

import dev.tally.job.JobNotFoundException;
import java.util.UUID;

/** Job ids in URLs: canonical UUID text only; anything else is an unknown job (404). */
final class JobIds {

    private JobIds() {
    }

    static UUID parse(String value) {
        UUID id = parseOrNull(value);
        if (id == null) {
            throw new JobNotFoundException(null);
        }
        return id;
    }

    /** The id, or null when {@code value} is not a canonical UUID. */
    static UUID parseOrNull(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            boolean ok = dash ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return null;
            }
        }
        return UUID.fromString(value);
    }
}
