package dev.tally.job;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.stereotype.Component;

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
 */
@Component
class AdmissionControl {

    private static final String ALL = "\u0000all";
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(10);

    private final AdmissionProperties properties;
    private final LoadingCache<String, Count> counts;

    AdmissionControl(JobRepository repository, AdmissionProperties properties) {
        this.properties = properties;
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
        Count all = counts.get(ALL);
        long allActive = all.estimate();
        if (allActive >= properties.maxActive()) {
            throw new AdmissionRefusedException(false, "the service has " + allActive + " unfinished jobs; try again later");
        }
        Count mine = counts.get(owner);
        long mineActive = mine.estimate();
        if (mineActive >= properties.maxActivePerClient()) {
            throw new AdmissionRefusedException(true,
                    "you have " + mineActive + " unfinished jobs, the most allowed is " + properties.maxActivePerClient());
        }
        all.admitted().increment();
        mine.admitted().increment();
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
