package dev.tally.job;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.tally.job.AdmissionRefusedException.Bound;
import dev.tally.store.StoreSpace;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Refuses submissions beyond {@link AdmissionProperties}. No submission waits for a count: the
 * unfinished jobs are counted in the store in the background (globally and per client), and each
 * check adds the submissions this process admitted since that count. So on one node the bound
 * holds; with several API nodes it is approximate by what the others admitted since the last count.
 *
 * <p>A count reads at most the limit's worth of rows per status, and is repeated every second when the
 * backlog is near its limit but less often the more room is left (up to every
 * {@link #MAX_INTERVAL}): filling the room that is left before the next count would take
 * submissions at a tenth of the limit per second from the other nodes. Counting a large backlog
 * every second had cost a tenth of the embedded service's CPU under submit load.
 *
 * <p>With the embedded store it also refuses every submission while the store has less than
 * {@code tally.admission.min-free-disk} of room ({@link StoreSpace}), and below half of that tells
 * workers to claim no more jobs ({@link #roomToWork()}): the jobs taken stay queued, with nothing
 * more to store than the results of those already running, until retention or an operator frees
 * space. Without that, a burst admitted just above the line filled the disk with its results.
 */
@Component
class AdmissionControl {

    private static final String ALL = "\u0000all";
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(10);
    private static final long ROOM_WARNING_INTERVAL = Duration.ofMinutes(1).toNanos();

    private static final Logger log = LoggerFactory.getLogger(AdmissionControl.class);

    private final AdmissionProperties properties;
    private final StoreSpace space;
    private final LoadingCache<String, Count> counts;
    /** When too little room was last logged ({@link System#nanoTime()}), 0 for never. */
    private final AtomicLong lastRoomWarning = new AtomicLong();
    private final AtomicLong lastClaimsWarning = new AtomicLong();

    AdmissionControl(JobRepository repository, AdmissionProperties properties, StoreSpace space) {
        this.properties = properties;
        this.space = space;
        space.keep(properties.minFreeDisk().toBytes());
        CacheLoader<String, Count> loader = new CacheLoader<>() {
            @Override
            public Count load(String key) {
                long limit = limitOf(key);
                return new Count(repository.countActive(ownerOf(key), limit), System.nanoTime());
            }

            @Override
            public Count reload(String key, Count old) {
                // Asked every second; counts again only when the room left makes it worth it.
                long age = System.nanoTime() - old.countedAt();
                return age < old.interval(limitOf(key)).toNanos() ? old : load(key);
            }
        };
        // A count is looked at again a second after it was taken, in the background while
        // submissions go on with it; an idle client's count too old to trust is waited for.
        this.counts = Caffeine.newBuilder()
                .refreshAfterWrite(MIN_INTERVAL)
                .expireAfterWrite(MAX_INTERVAL.plusSeconds(5))
                .maximumSize(100_000)
                .build(loader);
    }

    void admit(String owner) {
        checkRoom();
        Count all = counts.get(ALL);
        long allActive = all.estimate();
        if (allActive >= properties.maxActive()) {
            throw new AdmissionRefusedException(Bound.SERVICE, "the service has " + allActive + " unfinished jobs; try again later");
        }
        Count mine = counts.get(owner);
        long mineActive = mine.estimate();
        if (mineActive >= properties.maxActivePerClient()) {
            throw new AdmissionRefusedException(Bound.CLIENT,
                    "you have " + mineActive + " unfinished jobs, the most allowed is " + properties.maxActivePerClient());
        }
        all.admitted().increment();
        mine.admitted().increment();
    }

    private void checkRoom() {
        long least = properties.minFreeDisk().toBytes();
        OptionalLong room = space.room();
        if (least == 0 || room.isEmpty() || room.getAsLong() >= least) {
            return;
        }
        warnEveryMinute(lastRoomWarning, "the embedded store has {} MB of room left on its disk, less than"
                + " tally.admission.min-free-disk ({} MB): new jobs are refused (503 storage-full) until space is freed",
                room.getAsLong(), least);
        throw new AdmissionRefusedException(Bound.STORAGE, "the store has " + megabytes(room.getAsLong())
                + " MB of room left on its disk, less than the " + megabytes(least)
                + " MB kept for the jobs already taken; try again later");
    }

    /**
     * Whether workers may claim more jobs: false while the embedded store has less than half of
     * {@code tally.admission.min-free-disk} of room, so that the results of queued jobs do not fill
     * its disk (which would close the store until restart). The jobs stay queued meanwhile.
     */
    boolean roomToWork() {
        long least = properties.minFreeDisk().toBytes() / 2;
        OptionalLong room = space.room();
        if (least == 0 || room.isEmpty() || room.getAsLong() >= least) {
            return true;
        }
        warnEveryMinute(lastClaimsWarning, "the embedded store has {} MB of room left on its disk, less than {} MB,"
                + " half of tally.admission.min-free-disk: workers claim no jobs until space is freed", room.getAsLong(), least);
        return false;
    }

    /** Retention frees room as it goes, so the room may cross a line again and again: a warning a minute. */
    private static void warnEveryMinute(AtomicLong lastWarning, String message, long room, long least) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if ((last == 0 || now - last > ROOM_WARNING_INTERVAL) && lastWarning.compareAndSet(last, now)) {
            log.warn(message, megabytes(room), megabytes(least));
        }
    }

    private static long megabytes(long bytes) {
        return DataSize.ofBytes(bytes).toMegabytes();
    }

    /**
     * The unfinished jobs of all clients as admission sees them: the last count (at most
     * {@code tally.admission.max-active}) plus the submissions this process admitted since. Counts
     * if no count is at hand.
     */
    long unfinished() {
        return counts.get(ALL).estimate();
    }

    private long limitOf(String key) {
        return ALL.equals(key) ? properties.maxActive() : properties.maxActivePerClient();
    }

    private static String ownerOf(String key) {
        return ALL.equals(key) ? null : key;
    }

    /** Unfinished jobs counted in the store (at most the limit), and admitted here since. */
    record Count(long counted, long countedAt, LongAdder admitted) {

        Count(long counted, long countedAt) {
            this(counted, countedAt, new LongAdder());
        }

        long estimate() {
            return counted + admitted.sum();
        }

        /** One second near the limit, up to {@link #MAX_INTERVAL} with the room left. */
        Duration interval(long limit) {
            double room = Math.max(0, limit - estimate()) / (double) limit;
            long millis = (long) (MAX_INTERVAL.toMillis() * room);
            return Duration.ofMillis(Math.max(MIN_INTERVAL.toMillis(), millis));
        }
    }
}
