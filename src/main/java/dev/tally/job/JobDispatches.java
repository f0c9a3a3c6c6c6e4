package dev.tally.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactional outbox, as the relay sees it (RabbitMQ mode). Records are written by the job
 * store in the same transaction as the change that needs them; the relay locks a batch of due
 * records, publishes them and deletes them in one transaction, so many relays can run at once
 * (locked records are skipped, not waited for) and a record is deleted only once published.
 */
@Service
public class JobDispatches {

    private final JobRepository repository;
    private final TransactionTemplate transactions;
    private final Clock clock;

    JobDispatches(JobRepository repository, TransactionTemplate transactions, Clock clock) {
        this.repository = repository;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Sends a batch of records; throwing means none of them counts as sent. */
    @FunctionalInterface
    public interface Publisher {
        void publish(List<DispatchRecord> records) throws Exception;
    }

    /**
     * Publishes up to {@code limit} due records and deletes them once {@code publisher} returns.
     * The records stay locked while {@code publisher} runs; on PostgreSQL, a publisher that has not
     * returned within {@code publishLimit} (its process stopped: frozen, or stopped by a signal)
     * loses its session, and with it the locks, so that other relays send those records: they
     * were skipped, not waited for, and waited as long as the process was stopped. Its commit then
     * fails and other relays may publish those records again (delivery is at least once).
     *
     * @return how many records were relayed
     * @throws RelayFailedException when the publisher failed (the records stay pending)
     */
    public int relayDue(int limit, Duration publishLimit, Publisher publisher) {
        Integer relayed = transactions.execute(status -> {
            List<DispatchRecord> due = repository.lockDueDispatches(clock.instant(), limit, publishLimit);
            if (due.isEmpty()) {
                return 0;
            }
            try {
                publisher.publish(due);
            } catch (Exception e) {
                status.setRollbackOnly();
                throw new RelayFailedException(e);
            }
            repository.deleteDispatches(due.stream().map(DispatchRecord::id).toList());
            return due.size();
        });
        return relayed == null ? 0 : relayed;
    }

    /**
     * Re-dispatches queued jobs that have waited longer than {@code stuckAfter} past their due time
     * without a pending record (their message was lost).
     */
    public List<UUID> redispatchStuck(Duration stuckAfter, int limit) {
        Instant now = clock.instant();
        return repository.redispatchStuck(now.minus(stuckAfter), now, limit);
    }

    /**
     * Re-dispatches the named jobs that are still queued and have no pending record: jobs whose
     * message a worker let go of because it could not claim them (the store was unreachable).
     *
     * @return the ids re-dispatched, and those whose record a relay is sending right now (to be
     *     asked about again shortly: its transaction ends within its publish's confirm timeout)
     */
    public Redispatched redispatch(List<UUID> jobIds) {
        return jobIds.isEmpty()
                ? new Redispatched(List.of(), List.of())
                : repository.redispatch(jobIds, clock.instant());
    }

    /** The publisher could not send a batch. */
    public static final class RelayFailedException extends RuntimeException {
        RelayFailedException(Throwable cause) {
            super("publishing dispatch records failed: " + cause.getMessage(), cause);
        }
    }
}
