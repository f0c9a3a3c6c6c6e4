package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Job change notices packed many to a notification payload. */
class ChangeNoticesTest {

    @Test
    void packsAThousandChangesIntoFewPayloadsUnderPostgresLimitAndReadsThemBackInOrder() {
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            changes.add(new UUID(0x0193a0f47c1e7000L, 0x8000000000000000L | i) + ":" + (i % 2 == 0 ? "RUNNING" : "SUCCEEDED"));
        }

        List<String> payloads = ChangeNotices.pack("a1b2c3d4", changes);

        assertThat(payloads).hasSizeBetween(6, 7);
        assertThat(payloads).allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThan(8000));
        List<String> read = new ArrayList<>();
        for (String payload : payloads) {
            assertThat(ChangeNotices.node(payload)).isEqualTo("a1b2c3d4");
            ChangeNotices.Notice notice = ChangeNotices.read(payload).orElseThrow();
            assertThat(notice.node()).isEqualTo("a1b2c3d4");
            read.addAll(notice.changes());
        }
        assertThat(read).isEqualTo(changes);
    }

    @Test
    void readsTheOneChangePayloadOfEarlierVersions() {
        String payload = "a1b2c3d4:0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e:DELETED";

        assertThat(ChangeNotices.node(payload)).isEqualTo("a1b2c3d4");
        assertThat(ChangeNotices.read(payload)).contains(
                new ChangeNotices.Notice("a1b2c3d4", List.of("0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e:DELETED")));
    }

    @Test
    void packsNothingIntoNoPayloadAndIgnoresAPayloadThatIsNoNotice() {
        assertThat(ChangeNotices.pack("a1b2c3d4", List.of())).isEmpty();
        assertThat(ChangeNotices.read("hello")).isEmpty();
    }
}
