package dev.tally.fetch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The robots.txt verdicts of recently fetched origins ({@code scheme://host:port}), parsed with
 * crawler-commons for one product token. Rules and "no robots.txt" are kept for the configured
 * TTL; an unreachable robots.txt only briefly (see {@link #UNREACHABLE_TTL}). Concurrent misses
 * for one origin wait for a single load instead of each asking the site. Thread-safe.
 */
final class RobotsCache {

    /**
     * Roughly the number of origins remembered: an entry weighs one, plus one per KiB of rules it
     * holds, so a few huge robots.txt files cannot fill the heap.
     */
    static final long MAX_WEIGHT = 10_000;

    /**
     * Long enough that a burst of jobs for a site that is down costs it one robots.txt request per
     * period, short enough that a job's retries (the first after about a second) see it recover.
     */
    static final Duration UNREACHABLE_TTL = Duration.ofSeconds(10);

    private final Cache<String, Entry> cache;
    private final ConcurrentHashMap<String, CompletableFuture<Entry>> loading = new ConcurrentHashMap<>();
    private final List<String> robotNames;

    /**
     * @param ttl how long rules and "no robots.txt" are kept
     * @param userAgent the User-Agent header; its product token names Tally in robots.txt groups
     */
    RobotsCache(Duration ttl, String userAgent) {
        this.robotNames = List.of(productToken(userAgent));
        long ttlNanos = ttl.toNanos();
        long unreachableNanos = Math.min(ttlNanos, UNREACHABLE_TTL.toNanos());
        this.cache = Caffeine.newBuilder()
                .maximumWeight(MAX_WEIGHT)
                .weigher((String origin, Entry entry) -> entry.weight())
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String origin, Entry entry, long currentTime) {
                        return entry.failure == null ? ttlNanos : unreachableNanos;
                    }

                    @Override
                    public long expireAfterUpdate(String origin, Entry entry, long currentTime, long currentDuration) {
                        return expireAfterCreate(origin, entry, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String origin, Entry entry, long currentTime, long currentDuration) {
                        return currentDuration; // a verdict ages from when it was fetched, not used
                    }
                })
                .build();
    }

    /** Loads an origin's verdict by asking the site; runs on the thread of the fetch that missed. */
    interface Loader {
        Entry load() throws FetchException, InterruptedException;
    }

    /**
     * The cached verdict for {@code origin}, or the one {@code loader} fetches. When another fetch
     * is already loading it, waits for that (up to the deadline) rather than asking the site again;
     * if that load ends without a verdict (its fetch was cancelled or ran out of time), this fetch
     * loads it itself.
     *
     * @return the verdict, or null if the deadline passed while waiting for another fetch's load
     * @throws FetchException from this fetch's own load when it yielded no verdict
     */
    Entry get(String origin, long deadlineNanos, Loader loader) throws FetchException, InterruptedException {
        while (true) {
            Entry cached = cache.getIfPresent(origin);
            if (cached != null) {
                return cached;
            }
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            CompletableFuture<Entry> other = loading.putIfAbsent(origin, mine);
            if (other == null) {
                return load(origin, mine, loader);
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return null;
            }
            try {
                return other.get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return null;
            } catch (ExecutionException e) {
                // That fetch failed for its own reasons (deadline, interrupt): try ourselves.
            }
        }
    }

    private Entry load(String origin, CompletableFuture<Entry> mine, Loader loader) throws FetchException, InterruptedException {
        try {
            Entry entry = cache.getIfPresent(origin); // a load may have finished since our miss
            if (entry == null) {
                entry = loader.load();
                cache.put(origin, entry);
            }
            mine.complete(entry);
            return entry;
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            throw t;
        } finally {
            loading.remove(origin, mine);
        }
    }

    /** Parses a robots.txt body (any prefix of it) for Tally's product token. */
    Entry parse(String robotsUrl, byte[] body, String contentType) {
        // A new parser per call: it keeps per-parse state (warning counts).
        SimpleRobotRulesParser parser = new SimpleRobotRulesParser();
        // Past its longest delay (5 min) crawler-commons disallows every page; the fetcher caps the
        // delay it applies instead (HttpPageFetcher.MAX_CRAWL_DELAY), so the rules must stay as written.
        parser.setMaxCrawlDelay(Long.MAX_VALUE);
        return new Entry(parser.parseContent(robotsUrl, body, contentType, robotNames), null);
    }

    /** No usable robots.txt (4xx, too many redirects, ...): everything is allowed (RFC 9309 2.3.1.3). */
    static Entry allowAll() {
        return new Entry(new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL), null);
    }

    /** An unreachable robots.txt (5xx, 429, network failure): nothing may be fetched for now (RFC 9309 2.3.1.4). */
    static Entry unreachable(FetchException failure) {
        return new Entry(null, failure);
    }

    /**
     * The name matched against {@code User-agent} lines: the leading letters, {@code _} and
     * {@code -} of the User-Agent header (RFC 9309 2.2.1), lower-cased as crawler-commons wants.
     */
    static String productToken(String userAgent) {
        int end = 0;
        while (end < userAgent.length()) {
            char c = userAgent.charAt(end);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-')) {
                break;
            }
            end++;
        }
        // A header without a usable token still deserves the rules that name Tally.
        return end == 0 ? "tally" : userAgent.substring(0, end).toLowerCase(Locale.ROOT);
    }

    /** One origin's verdict: rules, or the failure that made robots.txt unreachable. */
    static final class Entry {

        private final BaseRobotRules rules;
        private final FetchException failure;

        private Entry(BaseRobotRules rules, FetchException failure) {
            this.rules = rules;
            this.failure = failure;
        }

        /** @return the failure to report for every URL of the origin, or null if rules apply */
        FetchException failure() {
            return failure;
        }

        /** @param url the full URL (path and query are matched); only when failure() is null */
        boolean allows(String url) {
            return rules.isAllowed(url);
        }

        /** The robots.txt Crawl-delay for Tally, or 0 when none was given. */
        long crawlDelayNanos() {
            if (rules == null || rules.getCrawlDelay() == BaseRobotRules.UNSET_CRAWL_DELAY || rules.getCrawlDelay() <= 0) {
                return 0;
            }
            return TimeUnit.MILLISECONDS.toNanos(rules.getCrawlDelay());
        }

        int weight() {
            if (!(rules instanceof SimpleRobotRules simple)) {
                return 1;
            }
            long chars = 0;
            for (SimpleRobotRules.RobotRule rule : simple.getRobotRules()) {
                chars += rule.getPrefix().length() + 16;
            }
            for (String sitemap : simple.getSitemaps()) {
                chars += sitemap.length() + 16;
            }
            return (int) Math.min(Integer.MAX_VALUE, 1 + chars / 512); // chars are two bytes each
        }
    }
}
