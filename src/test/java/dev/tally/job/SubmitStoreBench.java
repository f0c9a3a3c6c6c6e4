package dev.tally.job;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import com.sun.management.OperatingSystemMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The submit path's store write alone, without HTTP: CLIENTS threads store text jobs (job, text
 * and outbox rows) for SECONDS after a warm-up, either one transaction per job ({@code single},
 * as before group commit) or through {@link SubmissionCommitter} ({@code group}). Prints jobs/s,
 * p50, p99, transactions and this JVM's CPU time per job (a figure that survives a busy machine
 * better than the rate). Not a test; for finding where submit time goes. Empties the database.
 *
 * <pre>usage: SubmitStoreBench JDBC_URL USER single|group CLIENTS SECONDS [WRITERS, 0: the default]</pre>
 */
public final class SubmitStoreBench {

    /** Time-ordered like the service's own ids, so index inserts land where they do in production. */
    private static final TimeBasedEpochGenerator IDS = Generators.timeBasedEpochGenerator();
    private static final byte[] TEXT = "the quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        boolean group = args[2].equals("group");
        int clients = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int writers = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        try (var dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(args[0]);
            dataSource.setUsername(args[1]);
            dataSource.setMaximumPoolSize(32);
            Flyway.configure().dataSource(dataSource).cleanDisabled(false).load().clean();
            Flyway.configure().dataSource(dataSource).load().migrate();
            var repository = new JobRepository(JdbcClient.create(dataSource), true);
            var transactions = new DataSourceTransactionManager(dataSource);
            var single = new TransactionTemplate(transactions);
            var meters = new SimpleMeterRegistry();
            var committer = new SubmissionCommitter(new JobBatchInserts(new JdbcTemplate(dataSource), repository),
                    transactions, new SubmitProperties(256, 10_000, writers, Duration.ofSeconds(10)), meters, event -> { });
            committer.start();
            Consumer<Job> store = group
                    ? job -> committer.commit(job, TEXT, null)
                    : job -> single.executeWithoutResult(status -> repository.insert(job, TEXT, null));
            DistributionSummary batches = meters.get("tally.submit.batch.size").summary();
            run(store, clients, Math.max(3, seconds / 2));
            long transactionsBefore = batches.count();
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu = os.getProcessCpuTime();
            long[] latencies = run(store, clients, seconds);
            cpu = os.getProcessCpuTime() - cpu;
            System.out.printf("%s c=%d writers=%d: %d jobs/s p50_ms=%.2f p99_ms=%.2f"
                            + " (transactions %d, JVM cpu %.0f us/job)%n",
                    args[2], clients, writers, latencies.length / seconds, latencies[latencies.length / 2] / 1e6,
                    latencies[(int) (latencies.length * 0.99)] / 1e6, batches.count() - transactionsBefore,
                    cpu / 1e3 / latencies.length);
            committer.stop();
        }
    }

    /** @return every job's latency in ns, sorted */
    private static long[] run(Consumer<Job> store, int clients, int seconds) throws InterruptedException {
        long[][] latencies = new long[clients][0];
        var done = new CountDownLatch(clients);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        for (int c = 0; c < clients; c++) {
            int client = c;
            new Thread(() -> {
                try {
                    latencies[client] = storeUntil(end, store);
                } finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        return Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    }

    /** One client: stores jobs back to back until {@code end}; @return their latencies in ns */
    private static long[] storeUntil(long end, Consumer<Job> store) {
        long[] mine = new long[1 << 16];
        int n = 0;
        while (System.nanoTime() < end) {
            if (n == mine.length) {
                mine = Arrays.copyOf(mine, n * 2);
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Job job = new Job(IDS.generate(), JobStatus.QUEUED, JobSource.text(TEXT.length), null, 0, 1,
                    now, now, null, null, null, null, NewJob.ANONYMOUS);
            long start = System.nanoTime();
            store.accept(job);
            mine[n++] = System.nanoTime() - start;
        }
        return Arrays.copyOf(mine, n);
    }
}
