package dev.tally.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The body of a dispatch message: job ids, one per line. */
class JobIdsMessageTest {

    private static final UUID FIRST = UUID.fromString("0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e");
    private static final UUID SECOND = UUID.fromString("0193a0f4-7c1f-7000-8000-000000000002");

    @Test
    void namesSeveralJobsInTheOrderGiven() {
        byte[] body = JobIdsMessage.encode(List.of(FIRST, SECOND));

        assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo(FIRST + "\n" + SECOND);
        assertThat(JobIdsMessage.decode(body)).contains(List.of(FIRST, SECOND));
    }

    @Test
    void readsTheOneIdBodyOfEarlierVersionsAndToleratesSurroundingWhitespace() {
        assertThat(JobIdsMessage.decode(FIRST.toString().getBytes(StandardCharsets.US_ASCII))).contains(List.of(FIRST));
        assertThat(JobIdsMessage.decode((" " + FIRST + "\r\n" + SECOND + "\n").getBytes(StandardCharsets.US_ASCII)))
                .contains(List.of(FIRST, SECOND));
    }

    @Test
    void rejectsABodyThatIsNotOnlyJobIds() {
        assertThat(JobIdsMessage.decode(new byte[0])).isEmpty();
        assertThat(JobIdsMessage.decode("this is not a job id".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(JobIdsMessage.decode((FIRST + "\nnot-a-uuid-but-exactly-36-characters").getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(JobIdsMessage.decode((FIRST + "\n\n" + SECOND).getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void rejectsMoreIdsThanAMessageMayName() {
        List<UUID> most = new ArrayList<>();
        for (int i = 0; i < JobIdsMessage.MAX_IDS; i++) {
            most.add(new UUID(0x0193a0f47c1e7000L, 0x8000000000000000L | i));
        }
        byte[] full = JobIdsMessage.encode(most);
        assertThat(JobIdsMessage.decode(full)).contains(most);

        byte[] tooMany = (new String(full, StandardCharsets.US_ASCII) + "\n" + FIRST).getBytes(StandardCharsets.US_ASCII);
        assertThat(JobIdsMessage.decode(tooMany)).isEmpty();
        List<UUID> oneTooMany = new ArrayList<>(most);
        oneTooMany.add(FIRST);
        assertThatThrownBy(() -> JobIdsMessage.encode(oneTooMany)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JobIdsMessage.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
