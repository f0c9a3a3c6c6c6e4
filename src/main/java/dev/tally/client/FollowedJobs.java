package dev.tally.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The jobs the command line follows, and how it learns their states with few requests: one pass
 * over the client's jobs (200 a page, newest first), stopping once every unfinished job followed
 * was seen or the pages are older than the oldest of them; only a job the pass did not find (deleted,
 * or beyond the pages a refresh reads) is asked for on its own. A thousand jobs cost a few pages a refresh, not
 * a thousand polls.
 */
final class FollowedJobs {

    /** At most this many pages a refresh (10,000 jobs); followed jobs beyond them are asked for singly. */
    static final int MAX_PAGES = 50;
    /** At most this many jobs asked for singly a refresh: the others wait for the next one. */
    static final int MAX_SINGLE = 500;

    private final Map<UUID, JobView> jobs = new LinkedHashMap<>();

    /** Follows a job whose state is known (just submitted). */
    void follow(JobView job) {
        jobs.put(job.id(), job);
    }

    /** Follows a job known only by its id; its state comes with the next refresh. */
    void follow(UUID id) {
        if (!jobs.containsKey(id)) {
            jobs.put(id, null);
        }
    }

    int size() {
        return jobs.size();
    }

    boolean allFinished() {
        return jobs.values().stream().allMatch(j -> j != null && j.finished());
    }

    /** Every followed job in the order followed (a job whose state is still unknown is left out). */
    List<JobView> all() {
        return jobs.values().stream().filter(j -> j != null).toList();
    }

    /**
     * What a refresh learned: the jobs whose state changed (status or attempts), in the order
     * followed, and the failure that cut it short, if one did (what was learned before it counts).
     */
    record Refresh(List<JobView> changed, ApiException trouble) {
    }

    /** Asks the server for the state of every unfinished job. */
    Refresh refresh(TallyClient client) {
        Set<UUID> pending = new HashSet<>();
        Instant oldest = Instant.MAX; // null once a job may be anywhere in the pages
        for (Map.Entry<UUID, JobView> e : jobs.entrySet()) {
            JobView job = e.getValue();
            if (job == null || !job.finished()) {
                pending.add(e.getKey());
                Instant created = job != null && job.createdAt() != null ? job.createdAt() : createdAround(e.getKey());
                if (oldest != null) {
                    oldest = created == null ? null : created.isBefore(oldest) ? created : oldest;
                }
            }
        }
        Map<UUID, JobView> seen = new LinkedHashMap<>();
        ApiException trouble = null;
        try {
            if (!pending.isEmpty()) {
                collect(client, pending, oldest, seen);
            }
            // Only a complete pass (reached when no page failed) tells which jobs are not listed.
            List<UUID> single = new ArrayList<>();
            for (UUID id : pending) {
                if (!seen.containsKey(id) && single.size() < MAX_SINGLE) {
                    single.add(id);
                }
            }
            for (UUID id : single) {
                Optional<JobView> job = client.job(id);
                seen.put(id, job.orElseGet(() -> JobView.gone(id, jobs.get(id))));
            }
        } catch (ApiException e) {
            trouble = e;
        }
        List<JobView> changed = new ArrayList<>();
        for (Map.Entry<UUID, JobView> e : jobs.entrySet()) {
            JobView now = seen.get(e.getKey());
            JobView before = e.getValue();
            if (now != null && (before == null || !before.status().equals(now.status()) || before.attempts() != now.attempts())) {
                e.setValue(now);
                changed.add(now);
            }
        }
        return new Refresh(changed, trouble);
    }

    /**
     * When a job known only by its id was made, a minute early: Tally's ids are UUIDv7, whose first
     * 48 bits are the Unix time in milliseconds of the node that made the id (the minute allows for
     * that node's clock against the store's, which dates the job). Null for an id of another kind: such
     * a job may be anywhere in the pages.
     */
    static Instant createdAround(UUID id) {
        return id.version() == 7 ? Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16).minusSeconds(60) : null;
    }

    private static void collect(TallyClient client, Set<UUID> pending, Instant oldest, Map<UUID, JobView> seen)
            throws ApiException {
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            TallyClient.Page jobs = client.jobs(cursor);
            for (JobView job : jobs.items()) {
                if (pending.contains(job.id())) {
                    seen.put(job.id(), job);
                }
            }
            cursor = jobs.next();
            boolean pastOldest = !jobs.items().isEmpty() && oldest != null
                    && jobs.items().get(jobs.items().size() - 1).createdAt() != null
                    && jobs.items().get(jobs.items().size() - 1).createdAt().isBefore(oldest);
            if (cursor == null || pastOldest || seen.keySet().containsAll(pending)) {
                return;
            }
        }
    }
}
