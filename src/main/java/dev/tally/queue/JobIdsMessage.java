package dev.tally.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The body of a dispatch message: the ids of the jobs it names, one per line (US-ASCII, each
 * line a UUID in its canonical 36-character form). One message names several jobs so that the
 * broker's cost (persisting, confirming, delivering and acking a message) is paid once for them;
 * a body of one id is the format of a message that names one job, as earlier versions sent.
 */
public final class JobIdsMessage {

    /** The most ids a message may name; a larger body is not a dispatch message. */
    public static final int MAX_IDS = 1000;

    private static final int ID_LENGTH = 36;

    private JobIdsMessage() {
    }

    /** The body naming {@code ids} (1 to {@link #MAX_IDS}). */
    public static byte[] encode(List<UUID> ids) {
        if (ids.isEmpty() || ids.size() > MAX_IDS) {
            throw new IllegalArgumentException("a dispatch message names 1 to " + MAX_IDS + " jobs, not " + ids.size());
        }
        var body = new StringBuilder(ids.size() * (ID_LENGTH + 1));
        for (UUID id : ids) {
            if (!body.isEmpty()) {
                body.append('\n');
            }
            body.append(id);
        }
        return body.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The ids a body names, in order; empty when the body is not a dispatch message (no id, a
     * line that is not a UUID, more than {@link #MAX_IDS} ids). Whitespace around the lines is
     * ignored.
     */
    public static Optional<List<UUID>> decode(byte[] body) {
        if (body.length > MAX_IDS * (ID_LENGTH + 2) + 16) {
            return Optional.empty();
        }
        String text = new String(body, StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = text.split("\n");
        if (lines.length > MAX_IDS) {
            return Optional.empty();
        }
        List<UUID> ids = new ArrayList<>(lines.length);
        for (String line : lines) {
            String id = line.strip();
            if (id.length() != ID_LENGTH) {
                return Optional.empty();
            }
            try {
                ids.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.of(List.copyOf(ids));
    }
}
