package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageMemoryBudgetTest {

    private static final long MIB = 1024 * 1024;

    /** Room for 100 MiB; pages above 256 KiB are large. */
    private final PageMemoryBudget budget = new PageMemoryBudget(100 * MIB, 256 * 1024);

    @Test
    void reservesEightTimesTheSizeOfALargePage() throws InterruptedException {

        PageMemoryBudget.Reservation reservation = budget.reserve(10 * MIB, System.nanoTime());

        assertThat(reservation).isNotNull();
        assertThat(budget.reservedBytes()).isEqualTo(80 * MIB);
        reservation.release();
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void pagesUpToTheThresholdAreNotLarge() {

        assertThat(budget.isLarge(256 * 1024)).isFalse();
        assertThat(budget.isLarge(256 * 1024 + 1)).isTrue();
        assertThat(budget.isLarge(-1)).as("no declared length").isFalse();
    }

    @Test
    void refusesASecondPageThatDoesNotFitBeforeItsDeadline() throws InterruptedException {
        PageMemoryBudget.Reservation first = budget.reserve(10 * MIB, System.nanoTime());

        assertThat(budget.reserve(5 * MIB, System.nanoTime() + 50_000_000L)).isNull();
        assertThat(budget.reservedBytes()).isEqualTo(80 * MIB);

        first.release();
        assertThat(budget.reserve(5 * MIB, System.nanoTime())).isNotNull();
    }

    @Test
    void aPageLargerThanTheWholeBudgetTakesAllOfItAndRunsAlone() throws InterruptedException {
        PageMemoryBudget small = new PageMemoryBudget(64 * MIB, 256 * 1024);

        PageMemoryBudget.Reservation huge = small.reserve(10 * MIB, System.nanoTime());

        assertThat(huge).isNotNull();
        assertThat(small.reservedBytes()).isEqualTo(64 * MIB);
        assertThat(small.reserve(300 * 1024, System.nanoTime())).isNull();
    }

    @Test
    void shrinksAReservationMadeForAnUnknownSizeToThePageRead() throws InterruptedException {
        PageMemoryBudget.Reservation reservation = budget.reserve(10 * MIB, System.nanoTime());

        reservation.shrinkTo(MIB);

        assertThat(budget.reservedBytes()).isEqualTo(8 * MIB);
    }

    @Test
    void releasingTwiceGivesTheRoomBackOnce() throws InterruptedException {
        PageMemoryBudget.Reservation held = budget.reserve(MIB, System.nanoTime());
        PageMemoryBudget.Reservation other = budget.reserve(MIB, System.nanoTime());

        held.release();
        held.release();

        assertThat(budget.reservedBytes()).isEqualTo(8 * MIB);
        other.release();
        assertThat(budget.reservedBytes()).isZero();
    }
}
