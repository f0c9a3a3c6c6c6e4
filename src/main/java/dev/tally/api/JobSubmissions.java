package dev.tally.api;

import dev.tally.correlation.JobTraces;
import dev.tally.fetch.InvalidUrlException;
import dev.tally.fetch.UrlPolicy;
import dev.tally.job.Jobs;
import dev.tally.job.NewJob;
import dev.tally.job.Submission;
import dev.tally.security.CurrentClient;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/jobs} past its parsing: the request's checks, the submission for the calling
 * client (with or without an Idempotency-Key), and the {@code 202} it is answered with. Shared by
 * {@code JobController} and {@link JobSubmitFilter}, so both answer alike.
 */
@Component
class JobSubmissions {

    private final Jobs jobs;
    private final UrlPolicy urlPolicy;
    private final JobTraces traces;

    JobSubmissions(Jobs jobs, UrlPolicy urlPolicy, JobTraces traces) {
        this.jobs = jobs;
        this.urlPolicy = urlPolicy;
        this.traces = traces;
    }

    /**
     * Submits {@code request} for the current client.
     *
     * @throws InvalidRequestException when the body or the key breaks the contract's rules
     */
    Submission submit(SubmitJobRequest request, String idempotencyKey) {
        String client = CurrentClient.id();
        NewJob newJob = validated(request).ownedBy(client).submittedBy(traces.origin());
        if (idempotencyKey == null) {
            return new Submission(jobs.submit(newJob), false);
        }
        return jobs.submit(newJob, client, checkedKey(idempotencyKey));
    }

    /**
     * The {@code 202}: Location, Idempotent-Replayed on a replay, and the job with its default top
     * words. The Location is a path from the server's root, so it starts with the servlet context
     * path the service may be deployed under ({@code server.servlet.context-path}).
     */
    static ResponseEntity<JobView> accepted(Submission submission, String contextPath) {
        var response = ResponseEntity.accepted().location(URI.create(contextPath + "/api/v1/jobs/" + submission.job().id()));
        if (submission.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(JobView.of(submission.job(), JobView.DEFAULT_TOP));
    }

    /** 1..255 printable ASCII characters, as the contract says. */
    private static String checkedKey(String key) {
        if (key.isEmpty() || key.length() > 255) {
            throw new InvalidRequestException("Idempotency-Key must be 1 to 255 printable ASCII characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new InvalidRequestException("Idempotency-Key must be 1 to 255 printable ASCII characters");
            }
        }
        return key;
    }

    private NewJob validated(SubmitJobRequest request) {
        if (request == null) {
            throw new InvalidRequestException("the body must be a JSON object with url or text");
        }
        boolean hasUrl = request.url() != null;
        boolean hasText = request.text() != null;
        if (hasUrl == hasText) {
            throw new InvalidRequestException("exactly one of url and text is required");
        }
        String callback = request.callbackUrl() == null ? null : checkUrl(request.callbackUrl(), "callbackUrl");
        if (hasUrl) {
            return NewJob.ofUrl(checkUrl(request.url(), "url"), callback);
        }
        if (request.text().isEmpty()) {
            throw new InvalidRequestException("text must not be empty");
        }
        return NewJob.ofText(request.text(), callback);
    }

    private String checkUrl(String value, String field) {
        try {
            return urlPolicy.check(value, field).toString();
        } catch (InvalidUrlException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }
}
