package dev.tally.signal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes one polling loop early: {@link #await} sleeps up to a timeout unless {@link #signal} was
 * called since the last wait, so a signal sent while the loop is busy is not lost.
 */
public final class WakeSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signalled = lock.newCondition();
    private boolean pending;

    public void signal() {
        lock.lock();
        try {
            pending = true;
            signalled.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout}, or not at all if signalled since the last wait. */
    public void await(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            if (!pending) {
                signalled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            pending = false;
        } finally {
            lock.unlock();
        }
    }
}
