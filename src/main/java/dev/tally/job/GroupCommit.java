package dev.tally.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Writes the items of concurrent callers together. Each caller hands in its item and blocks; one
 * of them, the leader, takes every item waiting (up to {@code maxBatch}) and writes them in one
 * transaction, and each caller returns once its own item is committed. There is no thread of its
 * own, and while one batch commits the next one gathers. A lone caller writes at once, unless the
 * group has a linger: then a leader that finds only its own item waits that long once for others
 * to join it (under a steady trickle of callers, most transactions would otherwise hold one item
 * and cost nearly what a batch costs). When a batch fails, each of its items is written again on
 * its own, so a bad item costs only its own caller; unless the failure says the store itself is
 * unreachable, which every caller then gets at once (retrying one by one would make the last wait
 * for all the timeouts).
 *
 * <p>Waiting for the leader is not interruptible on purpose: an interrupt that lands inside a
 * JDBC write can close an embedded database's file (H2 uses interruptible NIO channels).
 *
 * @param <T> what a caller hands in
 * @param <R> what it gets back
 */
final class GroupCommit<T, R> {

    private final int maxBatch;
    private final long lingerNanos;
    private final Function<List<T>, List<R>> batchWrite;
    private final Function<T, R> singleWrite;
    private final Predicate<RuntimeException> storeUnreachable;
    private final IntConsumer committed;
    private final ReentrantLock leader = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending<T, R>> waiting = new ConcurrentLinkedQueue<>();

    /**
     * @param batchWrite writes many items in one transaction; returns one result per item, in order
     * @param singleWrite writes one item in its own transaction (after a batch failed)
     * @param storeUnreachable whether a batch's failure means no write can succeed now
     */
    GroupCommit(int maxBatch, Function<List<T>, List<R>> batchWrite, Function<T, R> singleWrite,
                Predicate<RuntimeException> storeUnreachable) {
        this(maxBatch, Duration.ZERO, batchWrite, singleWrite, storeUnreachable, size -> { });
    }

    /**
     * @param linger how long a leader that finds only one item waiting waits for others before
     *     writing it (the commit of a lone item costs nearly what a batch's does)
     * @param committed told how many items each committed transaction held (a metric)
     */
    GroupCommit(int maxBatch, Duration linger, Function<List<T>, List<R>> batchWrite, Function<T, R> singleWrite,
                Predicate<RuntimeException> storeUnreachable, IntConsumer committed) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.lingerNanos = maxBatch > 1 ? linger.toNanos() : 0;
        this.batchWrite = batchWrite;
        this.singleWrite = singleWrite;
        this.storeUnreachable = storeUnreachable;
        this.committed = committed;
    }

    /** Writes {@code item} (with whatever else is waiting) and returns its result once committed. */
    R write(T item) {
        return writeAll(List.of(item)).get(0);
    }

    /**
     * Writes {@code items} (in order, with whatever else is waiting) and returns their results, in
     * order, once all are committed; if any item's write failed, throws that failure.
     */
    List<R> writeAll(List<T> items) {
        List<Pending<T, R>> mine = new ArrayList<>(items.size());
        for (T item : items) {
            var pending = new Pending<T, R>(item);
            mine.add(pending);
            waiting.add(pending);
        }
        leader.lock();
        try {
            // The queue is first in, first out: once the last of them is written, all are.
            while (!mine.get(mine.size() - 1).done) {
                writeWaiting();
            }
        } finally {
            leader.unlock();
        }
        List<R> results = new ArrayList<>(mine.size());
        for (Pending<T, R> pending : mine) {
            results.add(pending.outcome());
        }
        return results;
    }

    /** How many items wait for a leader now. */
    int waiting() {
        return waiting.size();
    }

    private void writeWaiting() {
        List<Pending<T, R>> batch = new ArrayList<>(Math.min(maxBatch, 64));
        Pending<T, R> next;
        while (batch.size() < maxBatch && (next = waiting.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        if (batch.size() == 1 && lingerNanos > 0) {
            linger();
            while (batch.size() < maxBatch && (next = waiting.poll()) != null) {
                batch.add(next);
            }
        }
        if (batch.size() > 1 && writeTogether(batch)) {
            return;
        }
        for (Pending<T, R> one : batch) {
            try {
                one.succeed(singleWrite.apply(one.item));
            } catch (RuntimeException | Error e) {
                one.fail(e);
                continue;
            }
            tell(1);
        }
    }

    /**
     * Waits out the linger. Nobody wakes the leader early: a caller that comes meanwhile finds the
     * leader's lock held and waits in the queue, to be taken with the leader's item.
     */
    private void linger() {
        long deadline = System.nanoTime() + lingerNanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(left);
        }
    }

    /** @return false when the batch failed and its items are to be written one by one */
    private boolean writeTogether(List<Pending<T, R>> batch) {
        List<R> results;
        try {
            results = batchWrite.apply(batch.stream().map(p -> p.item).toList());
        } catch (RuntimeException e) {
            if (!storeUnreachable.test(e)) {
                return false;
            }
            batch.forEach(p -> p.fail(e));
            return true;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).succeed(results.get(i));
        }
        tell(batch.size());
        return true;
    }

    /** Tells the observer, after the items are answered: its failure must not fail a committed write. */
    private void tell(int size) {
        try {
            committed.accept(size);
        } catch (RuntimeException e) {
            // A metric that cannot be recorded is lost; the write it describes is not.
        }
    }

    private static final class Pending<T, R> {
        final T item;
        volatile boolean done;
        private R result;
        private Throwable failure;

        Pending(T item) {
            this.item = item;
        }

        void succeed(R value) {
            result = value;
            done = true;
        }

        void fail(Throwable e) {
            failure = e;
            done = true;
        }

        R outcome() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return result;
        }
    }
}
