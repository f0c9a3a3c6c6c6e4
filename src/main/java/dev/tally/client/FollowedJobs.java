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
 * over the client's running and queued jobs (200 a page, newest first, stopping at the oldest job
 * followed) tells which followed jobs are unfinished and where they are; only a job missing from
 * both is asked for on its own, which happens about once per job, when it has finished. A thousand
 * jobs cost a few pages a refresh, not a thousand polls.
 */
final class FollowedJobs {

    /** At most this many pages of each status a refresh (10,000 jobs); the rest are asked for singly. */
    static final int MAX_PAGES = 50;
    /** At most this many jobs asked for singly a refresh: the others wait for the next one. */
    static final int MAX_SINGLE = 500;

    private final Map<UUID, JobView> jobs = new LinkedHashMap<>();
    private final Set<UUID> unknown = new HashSet<>();

    /** Follows a job whose state is known (just submitted). */
    void follow(JobView job) {
        jobs.put(job.id(), job);
    }

    /** Follows a job known only by its id; its state comes with the next refresh. */
    void follow(UUID id) {
        if (!jobs.containsKey(id)) {
            jobs.put(id, null);
            unknown.add(id);
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
        Instant oldest = null;
        for (Map.Entry<UUID, JobView> e : jobs.entrySet()) {
            JobView job = e.getValue();
            if (job == null || !job.finished()) {
                pending.add(e.getKey());
                if (job != null && job.createdAt() != null && (oldest == null || job.createdAt().isBefore(oldest))) {
                    oldest = job.createdAt();
                }
            }
        }
        Map<UUID, JobView> seen = new LinkedHashMap<>();
        ApiException trouble = null;
        try {
            // Unknown jobs have no creation time to stop the pages at: they are asked for singly.
            if (unknown.isEmpty() && !pending.isEmpty()) {
                for (String status : List.of("RUNNING", "QUEUED")) {
                    if (!seen.keySet().containsAll(pending)) {
                        collect(client, status, pending, oldest, seen);
                    }
                }
            }
            // Only a complete pass (reached when no page failed) tells which jobs left the lists.
            List<UUID> single = new ArrayList<>();
            for (UUID id : pending) {
                if (!seen.containsKey(id) && single.size() < MAX_SINGLE) {
                    single.add(id);
                }
            }
            for (UUID id : single) {
                Optional<JobView> job = client.job(id);
                seen.put(id, job.orElseGet(() -> JobView.gone(id, jobs.get(id))));
                unknown.remove(id);
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

    private static void collect(TallyClient client, String status, Set<UUID> pending, Instant oldest,
                                Map<UUID, JobView> seen) throws ApiException {
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            TallyClient.Page jobs = client.jobs(status, cursor);
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
