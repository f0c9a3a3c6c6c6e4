package dev.tally.webhook;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * This node's sends in flight per receiver, and the receivers left alone for a while after one did
 * not answer, so that one slow or unreachable receiver cannot take every sender from the others: at
 * most {@code perReceiver} sends to a receiver at once while other receivers' deliveries are due
 * (more only for senders that would otherwise idle), and none for {@code rest} after an attempt
 * that got no answer (a timeout or a refused connection holds a sender far longer than an answer
 * does). Thread-safe.
 */
final class ReceiverLoad {

    private final int perReceiver;
    private final long restNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Integer> sending = new HashMap<>();
    /** Receivers at rest, until this {@code nanoClock} time. */
    private final Map<String, Long> restingUntil = new HashMap<>();

    ReceiverLoad(int perReceiver, Duration rest, LongSupplier nanoClock) {
        this.perReceiver = perReceiver;
        this.restNanos = rest.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Takes a turn at {@code receiver}, unless it has its most sends in flight or is at rest. */
    synchronized boolean tryStart(String receiver) {
        if (resting(receiver) || sending.getOrDefault(receiver, 0) >= perReceiver) {
            return false;
        }
        sending.merge(receiver, 1, Integer::sum);
        return true;
    }

    /**
     * Takes a turn at {@code receiver} beyond its share, unless it is at rest: for senders that
     * would otherwise idle, nothing else being due.
     */
    synchronized boolean tryStartBeyondShare(String receiver) {
        if (resting(receiver)) {
            return false;
        }
        sending.merge(receiver, 1, Integer::sum);
        return true;
    }

    /**
     * Gives back a turn taken by {@link #tryStart} or {@link #tryStartBeyondShare}.
     *
     * @param answered false when the attempt got no answer: the receiver is then left alone for a while
     */
    synchronized void finished(String receiver, boolean answered) {
        sending.computeIfPresent(receiver, (r, n) -> n == 1 ? null : n - 1);
        if (!answered && restNanos > 0) {
            restingUntil.put(receiver, nanoClock.getAsLong() + restNanos);
        }
    }

    /** The receivers that would refuse a turn now: their deliveries need not be read. */
    synchronized Set<String> busy() {
        Set<String> busy = new HashSet<>(resting());
        sending.forEach((receiver, n) -> {
            if (n >= perReceiver) {
                busy.add(receiver);
            }
        });
        return busy;
    }

    /** The receivers at rest after an attempt they did not answer. */
    synchronized Set<String> resting() {
        long now = nanoClock.getAsLong();
        restingUntil.values().removeIf(until -> now - until >= 0);
        return Set.copyOf(restingUntil.keySet());
    }

    /** Whether some receiver has its share of sends in flight. */
    synchronized boolean anyAtShare() {
        return sending.values().stream().anyMatch(n -> n >= perReceiver);
    }

    private boolean resting(String receiver) {
        Long until = restingUntil.get(receiver);
        return until != null && nanoClock.getAsLong() - until < 0;
    }
}
