package dev.tally.job;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Refuses submissions beyond {@link AdmissionProperties}. The counts are read from the store at
 * most once a second (globally and per client), in the background, so the check costs almost
 * nothing per submission; the bound is therefore approximate by a second or two's worth of
 * submissions.
 */
@Component
class AdmissionControl {

    private static final String ALL = "\u0000all";

    private final AdmissionProperties properties;
    private final LoadingCache<String, Long> counts;

    AdmissionControl(JobRepository repository, AdmissionProperties properties) {
        this.properties = properties;
        // A count older than a second is refreshed in the background while submissions go on with
        // it: counting a large backlog takes a while, and no submission should wait for it. Only
        // a count too old to trust (an idle client's) is waited for.
        this.counts = Caffeine.newBuilder()
                .refreshAfterWrite(Duration.ofSeconds(1))
                .expireAfterWrite(Duration.ofSeconds(5))
                .maximumSize(100_000)
                .build(key -> repository.countActive(ALL.equals(key) ? null : key));
    }

    void admit(String owner) {
        long all = counts.get(ALL);
        if (all >= properties.maxActive()) {
            throw new AdmissionRefusedException(false, "the service has " + all + " unfinished jobs; try again later");
        }
        long mine = counts.get(owner);
        if (mine >= properties.maxActivePerClient()) {
            throw new AdmissionRefusedException(true,
                    "you have " + mine + " unfinished jobs, the most allowed is " + properties.maxActivePerClient());
        }
    }
}
