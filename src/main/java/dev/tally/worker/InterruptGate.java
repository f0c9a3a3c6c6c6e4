package dev.tally.worker;

/**
 * When a running attempt may be interrupted. A cancel (lost lease) or a shutdown asks the attempt
 * to stop; its thread is interrupted only while the gate is open, around fetching and counting.
 * Store reads and writes run with the gate shut, because an interrupt that lands inside a JDBC call
 * can close an embedded database's file (H2 writes through interruptible NIO channels), and a
 * result commit must not be torn by a cancel that lost the race anyway (the write is conditional).
 */
final class InterruptGate {

    private final Thread thread;
    private boolean open;
    private volatile boolean stopRequested;

    /** A shut gate for the attempt running on {@code thread}. */
    InterruptGate(Thread thread) {
        this.thread = thread;
    }

    /** From now on a stop request interrupts the thread; one that came earlier does so now. */
    synchronized void open() {
        open = true;
        if (stopRequested) {
            thread.interrupt();
        }
    }

    /** From now on the thread is not interrupted; a pending interrupt is cleared (see {@link #stopRequested}). */
    synchronized void shut() {
        open = false;
        Thread.interrupted();
    }

    /** Asks the attempt to stop: interrupts it at once if the gate is open, else when it opens. */
    synchronized void requestStop() {
        stopRequested = true;
        if (open) {
            thread.interrupt();
        }
    }

    boolean stopRequested() {
        return stopRequested;
    }
}
