package dev.tally.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.tally.job.ClaimedJob;
import dev.tally.job.JobAttempts;
import dev.tally.queue.JobIdsMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * A competing consumer of the jobs queue ({@code tally.queue=rabbitmq}). A message only names
 * jobs ({@link JobIdsMessage}); the job rows decide. For each slot of a free worker thread the
 * consumer claims one of the named jobs (as many at once as threads are free, in one transaction:
 * a conditional update and a lease) and hands it to that thread; the message is acked once every
 * job it names was claimed or found not queued. A job that is not queued (running elsewhere,
 * finished, cancelled or deleted: a duplicate delivery) is ignored; a message that names no job
 * id is rejected and parked in the dead-letter queue. A worker that dies with jobs claimed
 * leaves them to their leases; a message it had not acked goes back to the queue, and its
 * jobs already claimed are then ignored as duplicates.
 */
class RabbitJobConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RabbitJobConsumer.class);

    private final JobAttempts attempts;
    private final WorkerProperties properties;
    private final UnclaimedJobs unclaimed;
    private final String owner = "rabbit-" + UUID.randomUUID();
    private final Counter poison;
    private final Counter duplicates;
    private final AttemptRunner runner;
    /** Made at each start (the lifecycle starts this before the listener container delivers). */
    private volatile WorkerThreads workers;

    RabbitJobConsumer(JobAttempts attempts, AttemptRunner runner, WorkerProperties properties, UnclaimedJobs unclaimed,
                      MeterRegistry meters) {
        this.attempts = attempts;
        this.properties = properties;
        this.unclaimed = unclaimed;
        this.runner = runner;
        this.poison = Counter.builder("tally.queue.poison").description("messages parked in the dead-letter queue")
                .register(meters);
        this.duplicates = Counter.builder("tally.queue.duplicates")
                .description("jobs named by deliveries but ignored because they were not queued").register(meters);
    }

    @RabbitListener(id = "tally-jobs", queues = "${tally.rabbitmq.prefix:tally}.jobs", ackMode = "MANUAL",
            concurrency = "${tally.rabbitmq.consumers:2}")
    void onMessage(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        Optional<List<UUID>> jobIds = JobIdsMessage.decode(message.getBody());
        if (jobIds.isEmpty()) {
            log.warn("parking a message that names no job (message id {})", message.getMessageProperties().getMessageId());
            poison.increment();
            channel.basicReject(tag, false);
            return;
        }
        boolean requeue = false;
        try {
            requeue = !claimAndStart(jobIds.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requeue = true;
        } finally {
            // Stopping before every named job was claimed: the message goes back to the queue (of
            // its jobs, those claimed here run here, and the next delivery ignores them). Acked on
            // every other path, also when something throws: with manual acks the container
            // neither acks nor rejects a message whose listener failed, so the message would stay
            // with this consumer, unacked, taking a prefetch slot for as long as the channel
            // lives, and its jobs would wait for the reconciler. The jobs' fate is in the store.
            if (requeue) {
                requeue(channel, tag);
            } else {
                channel.basicAck(tag, false);
            }
        }
    }

    private static void requeue(Channel channel, long tag) throws IOException {
        try {
            channel.basicReject(tag, true);
        } catch (ShutdownSignalException e) {
            // The container closed the channel already, which sends the message back all the same.
            log.debug("message {} goes back to the queue with its closed channel", tag);
        }
    }

    /**
     * Claims the named jobs a free thread at a time (more at once when more are free) and starts
     * them.
     *
     * @return false when the worker threads stopped before every job was claimed or found taken
     */
    private boolean claimAndStart(List<UUID> jobIds) throws InterruptedException {
        WorkerThreads workers = this.workers;
        if (workers == null) {
            return false;
        }
        for (int next = 0; next < jobIds.size(); ) {
            if (!workers.take()) {
                return false;
            }
            int slots = 1 + workers.takeFree(jobIds.size() - next - 1);
            List<UUID> batch = jobIds.subList(next, next + slots);
            List<ClaimedJob> claimed;
            try {
                claimed = attempts.claimAll(batch, owner, properties.lease());
            } catch (DataAccessException | TransactionException e) {
                workers.giveBack(slots);
                rememberUnclaimed(jobIds.subList(next, jobIds.size()), e);
                return true;
            }
            next += slots;
            workers.giveBack(slots - claimed.size());
            duplicates.increment(batch.size() - claimed.size());
            for (ClaimedJob job : claimed) {
                if (!workers.start(job, () -> { })) {
                    attempts.release(job);
                }
            }
        }
        return true;
    }

    /**
     * The store is down (no connection or transaction to be had, or a statement or the commit
     * failed): the jobs stay QUEUED in the store (or RUNNING under a lease nobody renews, should
     * the commit have gone through). Requeueing the message would only burn deliveries while the
     * store is down; instead the jobs get new dispatch records as soon as the store answers (or,
     * failing that, from the reconciler or their leases).
     */
    private void rememberUnclaimed(List<UUID> jobIds, RuntimeException e) {
        int remembered = 0;
        for (UUID id : jobIds) {
            if (unclaimed.add(id)) {
                remembered++;
            }
        }
        log.warn("could not claim {} job(s) (store unavailable: {}); {} will be dispatched again once the store answers,"
                + " the rest by the reconciler", jobIds.size(), e.getMessage(), remembered);
    }

    @Override
    public void start() {
        workers = new WorkerThreads(runner, properties.concurrency());
    }

    @Override
    public void stop() {
        WorkerThreads stopping = workers;
        if (stopping != null) {
            stopping.stop(properties.shutdownGrace());
        }
    }

    @Override
    public boolean isRunning() {
        WorkerThreads current = workers;
        return current != null && !current.isStopped();
    }

    @Override
    public int getPhase() {
        // Stop with the local pool's phase: after the listener container stopped delivering, before
        // the web server and the data source go away.
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
