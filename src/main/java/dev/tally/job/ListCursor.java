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
            return Optional.of(new ListCursor(
                    Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))),
                    UUID.fromString(raw.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
