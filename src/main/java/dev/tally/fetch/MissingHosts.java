package dev.tally.fetch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.Security;
import java.time.Duration;
import java.util.Locale;

/**
 * Host names the system resolver said do not exist, for as long as Java keeps that answer. Java
 * caches a failed lookup ({@code networkaddress.cache.negative.ttl}, 10 s by default) and repeats
 * it with the bare host name for its message, the same for a name that does not exist and for a
 * lookup that failed for the moment; what the first answer said is kept here, so that a job retried
 * within those seconds is not taken for one whose lookup may succeed next time. Shared by every
 * resolver of the process, as Java's cache is. Thread-safe.
 */
final class MissingHosts {

    /** Java's default negative cache time, when its security property is unset or unreadable. */
    private static final Duration JAVA_DEFAULT = Duration.ofSeconds(10);
    /** For a negative cache that never expires ({@code -1}): a name created since is seen within this. */
    private static final Duration LONGEST = Duration.ofHours(1);

    private static final Cache<String, Boolean> MISSING = Caffeine.newBuilder()
            .expireAfterWrite(javaNegativeCacheTime().plusSeconds(1))
            .maximumSize(10_000)
            .build();

    private MissingHosts() {
    }

    static void remember(String host) {
        MISSING.put(key(host), Boolean.TRUE);
    }

    /** Whether the system said {@code host} does not exist, within Java's negative cache time. */
    static boolean isMissing(String host) {
        return MISSING.getIfPresent(key(host)) != null;
    }

    private static String key(String host) {
        return host.toLowerCase(Locale.ROOT);
    }

    static Duration javaNegativeCacheTime() {
        try {
            String seconds = Security.getProperty("networkaddress.cache.negative.ttl");
            if (seconds == null) {
                return JAVA_DEFAULT;
            }
            long value = Long.parseLong(seconds.trim());
            return value < 0 ? LONGEST : Duration.ofSeconds(value);
        } catch (RuntimeException e) {
            return JAVA_DEFAULT;
        }
    }
}
