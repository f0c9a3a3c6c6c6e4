package dev.tally.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tally.job.Job;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON bodies of finished jobs with the default top words, rendered once: a finished job's
 * representation never changes. Keyed weakly by the job instance itself (by identity), which is
 * the one {@code Jobs} keeps in its finished-job cache; so a body lives exactly as long as its job
 * stays cached there, and a deleted job's body can never be served (the lookup of the job, which
 * comes first, finds nothing).
 */
@Component
class FinishedJobBodies {

    private final JsonMapper json;
    private final Cache<Job, byte[]> bodies = Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

    FinishedJobBodies(JsonMapper json) {
        this.json = json;
    }

    /** The body of {@code job}'s representation with {@link JobView#DEFAULT_TOP} words, if it is finished. */
    byte[] render(Job job) {
        if (!job.status().isTerminal()) {
            return json.writeValueAsBytes(JobView.of(job, JobView.DEFAULT_TOP));
        }
        return bodies.get(job, j -> json.writeValueAsBytes(JobView.of(j, JobView.DEFAULT_TOP)));
    }
}
