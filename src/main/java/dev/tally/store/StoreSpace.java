package dev.tally.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How many more bytes the embedded store can write before its disk is full: the space free on
 * the file's file system for this process, plus the space free inside the file (what retention
 * and housekeeping freed, which H2 reuses before the file grows). A write that finds the disk full
 * closes H2's store for good (see {@link EmbeddedStoreHealth}), so admission control stops taking
 * jobs well before that.
 *
 * <p>Empty on PostgreSQL, an in-memory H2 or an H2 reached through a server, whose disk this
 * process cannot see, and once the store has closed. A reading is at most a second old: it costs
 * a file-system query and a walk of H2's free-space bitmap.
 */
@Component
public final class StoreSpace implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(StoreSpace.class);
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Object NOT_EMBEDDED = new Object();

    private final DataSource dataSource;
    /** The embedded store, {@link #NOT_EMBEDDED}, or null until looked for. */
    private volatile Object store;
    private volatile Reading last;

    /** @param dataSource the job store */
    public StoreSpace(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Bytes the embedded store can still write, at most a second ago; empty when not an embedded file. */
    public OptionalLong room() {
        Reading reading = last;
        long now = System.nanoTime();
        if (reading == null || now - reading.at() > MAX_AGE_NANOS) {
            reading = new Reading(measure(), now);
            last = reading;
        }
        return reading.room() < 0 ? OptionalLong.empty() : OptionalLong.of(reading.room());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("tally.store.room", this, s -> s.room().isPresent() ? s.room().getAsLong() : Double.NaN)
                .baseUnit("bytes")
                .description("bytes the embedded store can still write: its disk's free space and the space free inside"
                        + " its file; below tally.admission.min-free-disk submissions are refused (503 storage-full)")
                .register(registry);
    }

    /** @return the room, or -1 when there is no embedded file to measure */
    private long measure() {
        if (!(embeddedStore() instanceof MVStore mvStore) || mvStore.isClosed()) {
            return -1;
        }
        FileStore<?> file = mvStore.getFileStore();
        try {
            long freeInFile = file.size() / 100 * (100 - file.getFillRate());
            return Files.getFileStore(fileOf(file)).getUsableSpace() + freeInFile;
        } catch (IOException | RuntimeException e) {
            // Closed meanwhile, or the file system would not say: no reading rather than a wrong one.
            log.debug("could not measure the embedded store's room", e);
            return -1;
        }
    }

    private Object embeddedStore() {
        Object found = store;
        if (found == null) {
            MVStore embedded = EmbeddedStoreHousekeeper.embeddedStore(dataSource);
            found = embedded == null ? NOT_EMBEDDED : embedded;
            store = found;
        }
        return found;
    }

    /** H2 names its file with the file system's prefix when it is not the default one ({@code nio:…}). */
    static Path fileOf(FileStore<?> file) {
        String name = file.getFileName();
        int colon = name.indexOf(':');
        return Path.of(colon > 1 ? name.substring(colon + 1) : name).toAbsolutePath();
    }

    private record Reading(long room, long at) {
    }
}
