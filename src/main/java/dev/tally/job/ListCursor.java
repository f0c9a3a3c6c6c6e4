package dev.tally.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a page of the job list ends: the creation time and id of its last job. Opaque to clients
 * (base64url), so its form can change.
 */
public record ListCursor(Instant createdAt, UUID id) {

    /** 9999-12-31T23:59:59.999Z: beyond any job's creation time, within both stores' range. */
    private static final long LATEST_MILLIS = 253_402_300_799_999L;

    public String encode() {
        String raw = createdAt.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /** @return the cursor, or empty when {@code value} is not one of ours */
    public static Optional<ListCursor> decode(String value) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
            int colon = raw.indexOf(':');
            if (colon < 1) {
                return Optional.empty();
            }
            long millis = Long.parseLong(raw.substring(0, colon));
            if (millis < 0 || millis > LATEST_MILLIS) {
                // Never a job's creation time; far ahead, PostgreSQL fails the query (500) where
                // H2 answers an empty page: both are a cursor that is not valid (400).
                return Optional.empty();
            }
            return Optional.of(new ListCursor(Instant.ofEpochMilli(millis), UUID.fromString(raw.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
