package dev.tally.store;

import dev.tally.signal.SurvivingTask;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded H2 file from growing with every commit.
 *
 * <p>Tally opens H2 with {@code WRITE_DELAY=0}, so every commit is in the file before it returns (a
 * {@code 202} survives {@code kill -9}) and writes a chunk of its own. That setting also means H2
 * starts no background writer, and the background writer is H2's only caller of its space
 * reclamation: without it, chunks that are mostly dead are never rewritten and the file grows by
 * nearly every byte written while Tally runs (measured: 3.3 GB for 100,000 small jobs, 11 MB once
 * compacted offline). This class does that reclamation in small steps on a schedule of its own,
 * through H2's public {@link MVStore#compact(int, int)} ({@link CompactionRounds}, and
 * {@link QuietStoreCompactor} once the commits stop); shortens the time before a freed chunk's
 * space is reused ({@code RETENTION_TIME}, 45 s in H2, which the file would otherwise hold the
 * writes of); and forces the file to disk more often than that time, which is what H2's long
 * default stands in for.
 *
 * <p>Does nothing on PostgreSQL, an in-memory H2 or an H2 reached through a server.
 */
@Component
class EmbeddedStoreHousekeeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStoreHousekeeper.class);
    /** Live bytes moved per second of housekeeping interval (256 KiB per 25 ms). */
    private static final long WRITE_BYTES_PER_SECOND = 10L << 20;
    /** Least live bytes moved per round, so that a very short interval still moves whole pages. */
    private static final int MIN_WRITE_BYTES = 64 << 10;

    private final DataSource dataSource;
    private final StoreProperties properties;
    private final MeterRegistry meters;
    private final BooleanSupplier shortOfRoom;
    private ScheduledExecutorService scheduler;

    /** @param space whether the store is short of room on its disk, when it reclaims harder */
    @Autowired
    EmbeddedStoreHousekeeper(DataSource dataSource, StoreProperties properties, MeterRegistry meters, StoreSpace space) {
        this(dataSource, properties, meters, space::isShort);
    }

    EmbeddedStoreHousekeeper(DataSource dataSource, StoreProperties properties, MeterRegistry meters) {
        this(dataSource, properties, meters, () -> false);
    }

    EmbeddedStoreHousekeeper(DataSource dataSource, StoreProperties properties, MeterRegistry meters,
                             BooleanSupplier shortOfRoom) {
        this.dataSource = dataSource;
        this.properties = properties;
        this.meters = meters;
        this.shortOfRoom = shortOfRoom;
    }

    @Override
    public void start() {
        if (!properties.housekeeps()) {
            return;
        }
        MVStore store = embeddedStore(dataSource);
        if (store == null) {
            return;
        }
        FileStore<?> fileStore = store.getFileStore();
        registerGauges(store, fileStore);
        fileStore.setRetentionTime(Math.toIntExact(properties.chunkRetention().toMillis()));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-store-upkeep");
            t.setDaemon(true);
            return t;
        });
        Timer rounds = timer("tally.store.housekeeping",
                "rounds of the embedded store's housekeeping (commits wait while one rewrites chunks)");
        IntSupplier targetFill = () -> shortOfRoom.getAsBoolean()
                ? CompactionRounds.TIGHT_TARGET_FILL_PERCENT : CompactionRounds.TARGET_FILL_PERCENT;
        schedule(properties.housekeepingInterval(), new CompactionRounds(store, targetFill,
                writeLimit(properties.housekeepingInterval()), properties.chunkRetention(), rounds));
        if (properties.syncs()) {
            Timer syncs = timer("tally.store.sync",
                    "forced writes of the embedded store's file to disk (tally.store.sync-interval)");
            schedule(properties.syncInterval(), () -> syncs.record(() -> sync(store)));
        }
        if (properties.compactsWhenQuiet()) {
            Timer steps = timer("tally.store.quiet.compaction",
                    "steps that rewrite and write the live pages of a quiet embedded store's emptiest chunks"
                            + " (tally.store.quiet-compaction-interval; commits wait while one runs)");
            schedule(properties.quietCompactionInterval(), new QuietStoreCompactor(store, targetFill, steps));
        }
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).register(meters);
    }

    /** Runs {@code task} every {@code interval}; a failure waits for the next run. */
    private void schedule(Duration interval, Runnable task) {
        long every = interval.toMillis();
        scheduler.scheduleWithFixedDelay(SurvivingTask.of("embedded store upkeep", () -> runQuietly(task)),
                every, every, TimeUnit.MILLISECONDS);
    }

    /** The gauges read NaN once the store is closed (a manual {@code SHUTDOWN} under a running Tally). */
    private void registerGauges(MVStore store, FileStore<?> fileStore) {
        gauge(store, fileStore, "tally.store.file.size", "bytes", "size of the embedded store's file", FileStore::size);
        gauge(store, fileStore, "tally.store.file.fill", "percent",
                "share of the embedded store's file taken by chunks (the rest is free space)", FileStore::getFillRate);
        gauge(store, fileStore, "tally.store.chunks.fill", "percent",
                "share of the chunks' bytes still live (the rest is reclaimed by housekeeping)", FileStore::getChunksFillRate);
        gauge(store, fileStore, "tally.store.chunks", "chunks",
                "chunks in the embedded store's file (each housekeeping round walks all of them)", EmbeddedStoreHousekeeper::chunkCount);
    }

    /**
     * The number of chunks in the file, which a housekeeping round's cost grows with (H2 walks every
     * chunk twice a round). H2 keeps the count private and publishes it only with its other
     * statistics, so a reading costs a walk of the chunks too: fine at a metrics scrape's pace.
     */
    private static double chunkCount(FileStore<?> fileStore) {
        double[] count = {Double.NaN};
        fileStore.populateInfo((name, value) -> {
            if ("info.CHUNK_COUNT".equals(name)) {
                count[0] = Long.parseLong(value);
            }
        });
        return count[0];
    }

    private void gauge(MVStore store, FileStore<?> fileStore, String name, String unit, String description,
                       ToDoubleFunction<FileStore<?>> reading) {
        Gauge.builder(name, fileStore, f -> store.isClosed() ? Double.NaN : reading.applyAsDouble(f))
                .baseUnit(unit).description(description).register(meters);
    }

    /** The store of an H2 database this process opened from a file, or null. */
    static MVStore embeddedStore(DataSource dataSource) {
        try {
            return findEmbeddedStore(dataSource).orElse(null);
        } catch (SQLException e) {
            log.warn("could not tell whether the store is an embedded file; its upkeep is off", e);
            return null;
        }
    }

    /**
     * The store of an H2 database this process opened from a file; empty for any other store.
     *
     * @throws SQLException when no connection could be had to tell
     */
    static Optional<MVStore> findEmbeddedStore(DataSource dataSource) throws SQLException {
        try (var connection = dataSource.getConnection()) {
            if (!connection.isWrapperFor(JdbcConnection.class)
                    || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                    || !session.getDatabase().isPersistent()) {
                return Optional.empty();
            }
            return Optional.of(session.getDatabase().getStore().getMvStore());
        }
    }

    /** Live bytes a round may move: the same reclamation rate whatever the interval. */
    static int writeLimit(Duration interval) {
        return (int) Math.max(MIN_WRITE_BYTES, Math.min(Integer.MAX_VALUE, WRITE_BYTES_PER_SECOND * interval.toMillis() / 1000));
    }

    private static void sync(MVStore store) {
        if (!store.isClosed()) {
            store.sync();
        }
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // A failing round must not end the schedule; the next one tries again.
            log.warn("embedded store upkeep failed; will try again", e);
        }
    }

    @Override
    public void stop() {
        if (scheduler == null) {
            return;
        }
        // No interrupt: H2 writes through interruptible channels, and an interrupt closes its file.
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("embedded store upkeep still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null && !scheduler.isShutdown();
    }
}
