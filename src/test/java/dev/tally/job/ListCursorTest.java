package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The list's cursors: what the service wrote reads back; what no job's time can be does not. */
class ListCursorTest {

    @Test
    void readsBackTheCursorItWrote() {
        ListCursor cursor = new ListCursor(Instant.parse("2026-12-07T05:10:00.123Z"), UUID.randomUUID());

        assertThat(ListCursor.decode(cursor.encode())).contains(cursor);
    }

    @Test
    void refusesACursorWhoseTimeNoJobCanHave() {
        // A forged cursor: PostgreSQL failed the list query with it (timestamp out of range), a 500.
        UUID id = UUID.randomUUID();

        assertThat(ListCursor.decode(forged("99999999999999999:" + id))).isEmpty();
        assertThat(ListCursor.decode(forged("-62135596800000:" + id))).isEmpty();
        assertThat(ListCursor.decode(forged("253402300799999:" + id))).isPresent();
    }

    private static String forged(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }
}
