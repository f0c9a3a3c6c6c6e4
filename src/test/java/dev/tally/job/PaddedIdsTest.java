package dev.tally.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PaddedIdsTest {

    @Test
    void padsAListToTheNextPowerOfTwoWithItsLastId() {
        assertThat(PaddedIds.padded(List.of(1L, 2L, 3L))).containsExactly(1L, 2L, 3L, 3L);
        assertThat(PaddedIds.padded(List.of(1L, 2L, 3L, 4L, 5L))).containsExactly(1L, 2L, 3L, 4L, 5L, 5L, 5L, 5L);
    }

    @Test
    void leavesListsWhoseLengthIsAlreadyAPowerOfTwo() {
        assertThat(PaddedIds.padded(List.of(7L))).containsExactly(7L);
        assertThat(PaddedIds.padded(List.of(7L, 8L))).containsExactly(7L, 8L);
        assertThat(PaddedIds.padded(List.of())).isEmpty();
    }

    @Test
    void givesEveryBatchSizeOneOfAFewStatementShapes() {
        var shapes = new java.util.HashSet<Integer>();
        for (int n = 1; n <= 256; n++) {
            shapes.add(PaddedIds.padded(java.util.Collections.nCopies(n, 1L)).size());
        }
        assertThat(shapes).containsExactlyInAnyOrder(1, 2, 4, 8, 16, 32, 64, 128, 256);
    }
}
