package dev.tally.store;

import dev.tally.signal.PeriodicTask;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * How many more bytes the embedded store can write before its disk is full: the space free on
 * the file's file system for this process, plus the space free inside the file (what retention
 * and housekeeping freed, which H2 reuses before the file grows). A write that finds the disk full
 * closes H2's store for good (see {@link EmbeddedStoreHealth}), so admission control stops taking
 * jobs well before that, and workers stop claiming them nearer to it.
 *
 * <p>The free space inside the file is an estimate from above: it is counted whole, but H2 writes
 * each commit's chunk into one run of free blocks, so a fragmented file can have that much free and
 * still grow for a large result. And a graceful stop with {@code DEFRAG_ALWAYS} (Tally's default
 * settings) copies the live data into a new file, which needs that much room outside the file.
 *
 * <p>Measured every {@link #EVERY} on a thread of its own, never on a caller's: a reading takes
 * H2's chunk-write lock, which a commit or a housekeeping round holds, and a file-system query.
 * Empty on PostgreSQL, an in-memory H2 or an H2 reached through a server, whose disk this process
 * cannot see; before {@link #start()} and after {@link #stop()}; after a reading that failed; and
 * once the store has closed. Without a reading nothing is held back: submissions and claims go on,
 * and the upkeep keeps its usual target.
 */
@Component
public final class StoreSpace implements MeterBinder, SmartLifecycle {

    static final Duration EVERY = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(StoreSpace.class);

    private final DataSource dataSource;
    /** The last reading, or -1 for none. */
    private volatile long room = -1;
    /** The room to keep, below which the store is short of it; 0 for no such line. */
    private volatile long keep;
    /** Set by the measuring thread (or by start, before it runs). */
    private volatile MVStore store;
    /** Found to be another kind of store: nothing to measure, nor to ask again. */
    private volatile boolean notEmbedded;
    private PeriodicTask task;

    /** @param dataSource the job store */
    public StoreSpace(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Bytes the embedded store could still write at the last reading; empty when there is none. */
    public OptionalLong room() {
        long last = room;
        return last < 0 ? OptionalLong.empty() : OptionalLong.of(last);
    }

    /**
     * Sets the room to keep: below it the store is short of room, and its upkeep reclaims the dead
     * bytes of fuller chunks too (what admission control refuses new jobs below).
     */
    public void keep(long bytes) {
        keep = bytes;
    }

    /** Whether the last reading is below the room to keep. */
    boolean isShort() {
        long last = room;
        return last >= 0 && last < keep;
    }

    /**
     * Takes the first reading, then one every {@link #EVERY}. Nothing is scheduled for a store that
     * is not an embedded file; a store that could not be asked is asked again at the next reading.
     */
    @Override
    public synchronized void start() {
        if (task != null) {
            return;
        }
        Store found = measure();
        if (isShort()) {
            log.warn("the embedded store has {} MB of room on its disk, less than the {} MB to keep"
                    + " (tally.admission.min-free-disk): new jobs will be refused until space is freed",
                    room >> 20, keep >> 20);
        }
        if (found != Store.NOT_EMBEDDED) {
            task = PeriodicTask.start("tally-store-room", EVERY, this::measure);
        }
    }

    @Override
    public synchronized void stop() {
        if (task != null) {
            task.stop();
            task = null;
        }
        room = -1;
    }

    @Override
    public synchronized boolean isRunning() {
        return task != null;
    }

    /** Before the web server starts taking requests (and after it stops). */
    @Override
    public int getPhase() {
        return 0;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("tally.store.room", this, space -> {
                    OptionalLong reading = space.room();
                    return reading.isPresent() ? reading.getAsLong() : Double.NaN;
                })
                .baseUnit("bytes")
                .description("bytes the embedded store can still write: its disk's free space and the space free inside"
                        + " its file; below tally.admission.min-free-disk submissions are refused (503 storage-full)")
                .register(registry);
    }

    /** What a reading found the store to be. */
    private enum Store {
        /** An embedded file, measured. */
        EMBEDDED,
        /** PostgreSQL, an in-memory store or an H2 server: nothing to measure, now or later. */
        NOT_EMBEDDED,
        /** Not known yet: the store could not be asked, and is asked again at the next reading. */
        UNKNOWN
    }

    private Store measure() {
        MVStore embedded = store;
        if (notEmbedded) {
            return Store.NOT_EMBEDDED;
        }
        if (embedded == null) {
            try {
                embedded = EmbeddedStoreHousekeeper.findEmbeddedStore(dataSource).orElse(null);
            } catch (SQLException | RuntimeException e) {
                log.debug("could not tell whether the store is an embedded file; asking again", e);
                return Store.UNKNOWN;
            }
            if (embedded == null) {
                notEmbedded = true; // a store that could not be asked at start: the task runs on, idle
                return Store.NOT_EMBEDDED;
            }
            store = embedded;
        }
        room = embedded.isClosed() ? -1 : roomOf(embedded.getFileStore());
        return Store.EMBEDDED;
    }

    /** @return the room, or -1 when the store could not be measured */
    private static long roomOf(FileStore<?> file) {
        try {
            long freeInFile = file.size() / 100 * (100 - file.getFillRate());
            return Files.getFileStore(fileOf(file)).getUsableSpace() + freeInFile;
        } catch (IOException | RuntimeException e) {
            // Closed meanwhile, or the file system would not say: no reading rather than a wrong one.
            log.debug("could not measure the embedded store's room", e);
            return -1;
        }
    }

    /** H2 names its file with the file system's prefix when it is not the default one ({@code nio:…}). */
    static Path fileOf(FileStore<?> file) {
        String name = file.getFileName();
        int colon = name.indexOf(':');
        return Path.of(colon > 1 ? name.substring(colon + 1) : name).toAbsolutePath();
    }
}
