package dev.tally.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A background task standing in for a read or write of the embedded store that is under way when
 * its executor stops: it takes 300 ms, and records whether it finished or was interrupted (which,
 * in H2's I/O, closes the store's file).
 */
public final class StoreReadStandIn implements Runnable {

    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean interrupted = new AtomicBoolean();

    @Override
    public void run() {
        started.countDown();
        try {
            Thread.sleep(300);
            finished.set(true);
        } catch (InterruptedException e) {
            interrupted.set(true);
        }
    }

    /** Whether it started within 10 s. */
    public boolean awaitStarted() throws InterruptedException {
        return started.await(10, TimeUnit.SECONDS);
    }

    public boolean finished() {
        return finished.get();
    }

    public boolean interrupted() {
        return interrupted.get();
    }
}
