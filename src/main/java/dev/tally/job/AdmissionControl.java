package dev.tally.job;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Refuses submissions beyond {@link AdmissionProperties}. The counts are read from the store at
 * most once a second (globally and per client), so the check costs almost nothing per submission;
 * the bound is therefore approximate by about a second's worth of submissions.
 */
@Component
class AdmissionControl {

    private static final String ALL = "\u0000all";

    private final JobRepository repository;
    private final AdmissionProperties properties;
    private final Cache<String, Long> counts = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(1))
            .maximumSize(100_000)
            .build();

    AdmissionControl(JobRepository repository, AdmissionProperties properties) {
        this.repository = repository;
        this.properties = properties;
    }

    void admit(String owner) {
        long all = counts.get(ALL, k -> repository.countActive(null));
        if (all >= properties.maxActive()) {
            throw new AdmissionRefusedException(false, "the service has " + all + " unfinished jobs; try again later");
        }
        long mine = counts.get(owner, k -> repository.countActive(owner));
        if (mine >= properties.maxActivePerClient()) {
            throw new AdmissionRefusedException(true,
                    "you have " + mine + " unfinished jobs, the most allowed is " + properties.maxActivePerClient());
        }
    }
}
