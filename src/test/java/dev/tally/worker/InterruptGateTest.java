package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InterruptGateTest {

    private final InterruptGate gate = new InterruptGate(Thread.currentThread());

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aStopRequestWhileShutWaitsUntilTheGateOpens() {
        gate.requestStop();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(gate.stopRequested()).isTrue();

        gate.open();

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void aStopRequestWhileOpenInterruptsAtOnce() {
        gate.open();
        gate.requestStop();

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void shuttingClearsAPendingInterruptAndKeepsLaterOnesOut() {
        gate.open();
        gate.requestStop();
        gate.shut();

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        gate.requestStop();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(gate.stopRequested()).isTrue();
    }
}
