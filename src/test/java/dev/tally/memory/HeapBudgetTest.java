package dev.tally.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {

    private static final long MIB = 1024 * 1024;

    /** Room for 100 MiB; documents above 256 KiB are large and take eight times their size. */
    private final HeapBudget budget = new HeapBudget(100 * MIB, 256 * 1024, 8);

    @Test
    void reservesItsWeightTimesTheSizeOfALargeDocument() throws InterruptedException {

        HeapBudget.Reservation reservation = budget.reserve(10 * MIB, System.nanoTime());

        assertThat(reservation).isNotNull();
        assertThat(budget.reservedBytes()).isEqualTo(80 * MIB);
        reservation.release();
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void documentsUpToTheThresholdAreNotLarge() {

        assertThat(budget.isLarge(256 * 1024)).isFalse();
        assertThat(budget.isLarge(256 * 1024 + 1)).isTrue();
        assertThat(budget.isLarge(-1)).as("no declared length").isFalse();
    }

    @Test
    void refusesASecondDocumentThatDoesNotFitBeforeItsDeadline() throws InterruptedException {
        HeapBudget.Reservation first = budget.reserve(10 * MIB, System.nanoTime());

        assertThat(budget.reserve(5 * MIB, System.nanoTime() + 50_000_000L)).isNull();
        assertThat(budget.reservedBytes()).isEqualTo(80 * MIB);

        first.release();
        assertThat(budget.reserve(5 * MIB, System.nanoTime())).isNotNull();
    }

    @Test
    void aDocumentLargerThanTheWholeBudgetTakesAllOfItAndIsHandledAlone() throws InterruptedException {
        HeapBudget small = new HeapBudget(64 * MIB, 256 * 1024, 8);

        HeapBudget.Reservation huge = small.reserve(10 * MIB, System.nanoTime());

        assertThat(huge).isNotNull();
        assertThat(small.reservedBytes()).isEqualTo(64 * MIB);
        assertThat(small.reserve(300 * 1024, System.nanoTime())).isNull();
    }

    @Test
    void shrinksAReservationMadeForAnUnknownSizeToTheSizeRead() throws InterruptedException {
        HeapBudget.Reservation reservation = budget.reserve(10 * MIB, System.nanoTime());

        reservation.shrinkTo(MIB);

        assertThat(budget.reservedBytes()).isEqualTo(8 * MIB);
    }

    @Test
    void refusesAWeightBelowOne() {
        assertThatThrownBy(() -> new HeapBudget(MIB, 1024, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void releasingTwiceGivesTheRoomBackOnce() throws InterruptedException {
        HeapBudget.Reservation held = budget.reserve(MIB, System.nanoTime());
        HeapBudget.Reservation other = budget.reserve(MIB, System.nanoTime());

        held.release();
        held.release();

        assertThat(budget.reservedBytes()).isEqualTo(8 * MIB);
        other.release();
        assertThat(budget.reservedBytes()).isZero();
    }
}
