package dev.tally.compat;

import dev.tally.correlation.JobTraces;
import dev.tally.fetch.InvalidUrlException;
import dev.tally.fetch.UrlPolicy;
import dev.tally.job.Job;
import dev.tally.job.JobNotFoundException;
import dev.tally.job.JobStatus;
import dev.tally.job.Jobs;
import dev.tally.job.NewJob;
import dev.tally.job.ResultsBusyException;
import dev.tally.security.CurrentClient;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The original system's API (contract section 3), kept so its clients keep working: the same
 * envelope, status names and messages. Its jobs are ordinary Tally jobs.
 */
@RestController
@ConditionalOnRole(Role.API)
class CompatController {

    static final String JSON_REQUIRED = "Please make requests using the application/json MIME type";

    private final Jobs jobs;
    private final UrlPolicy urlPolicy;
    private final JsonMapper json;
    private final HealthEndpoint health;
    private final JobTraces traces;

    CompatController(Jobs jobs, UrlPolicy urlPolicy, JsonMapper json, HealthEndpoint health, JobTraces traces) {
        this.jobs = jobs;
        this.urlPolicy = urlPolicy;
        this.json = json;
        this.health = health;
        this.traces = traces;
    }

    @PostMapping("/word-count")
    @ApiResponse(responseCode = "202", description = "scheduled: data has job_id, url and status IN_PROGRESS")
    @ApiResponse(responseCode = "400", description = "not JSON, or no valid url: success false, the message says why")
    ResponseEntity<Envelope> submit(HttpServletRequest request) throws IOException {
        if (!isJson(request)) {
            return failure(JSON_REQUIRED);
        }
        Optional<JsonNode> body = readBody(request);
        if (body.isEmpty()) {
            return failure("The request body must be a JSON object with a url");
        }
        JsonNode url = body.get().get("url");
        if (url == null || !url.isString() || url.asString().isBlank()) {
            return failure("A url is required");
        }
        String checked;
        try {
            checked = urlPolicy.check(url.asString(), "url").toString();
        } catch (InvalidUrlException e) {
            return failure("Invalid url: " + e.getMessage());
        }
        Job job = jobs.submit(NewJob.ofUrl(checked, null).ownedBy(CurrentClient.id()).submittedBy(traces.origin()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job_id", job.id().toString());
        data.put("url", checked);
        data.put("status", "IN_PROGRESS");
        return answer(HttpStatus.ACCEPTED, new Envelope(true, "Scheduled Job: " + job.id(), data));
    }

    /**
     * The job in the original's envelope; a succeeded one with its whole histogram, written as it
     * is read ({@link #writeComplete}). @return null when the answer was written here
     */
    @GetMapping("/word-count")
    @ApiResponse(responseCode = "200", description = "the job: data has job_id, url, status (IN_PROGRESS, COMPLETE, FAIL),"
            + " word_count when complete, error when failed")
    @ApiResponse(responseCode = "400", description = "no job_id, not JSON, or no such job: success false")
    @ApiResponse(responseCode = "503", description = "no room in the heap for another large result now; see Retry-After")
    ResponseEntity<Envelope> fetch(@RequestParam(name = "job_id", required = false) String jobIdParam,
                                   HttpServletRequest request, HttpServletResponse response) throws IOException {
        String jobId = jobIdParam;
        if (jobId == null) {
            if (!isJson(request)) {
                return failure(JSON_REQUIRED);
            }
            Optional<JsonNode> body = readBody(request);
            JsonNode id = body.map(b -> b.get("job_id")).orElse(null);
            if (id == null || !id.isString()) {
                return failure("A job_id is required");
            }
            jobId = id.asString();
        }
        String client = CurrentClient.id();
        Optional<Job> job = parse(jobId).flatMap(id -> jobs.findOwned(id, client));
        if (job.isEmpty()) {
            return failure("Job not found: " + jobId);
        }
        if (job.get().status() == JobStatus.SUCCEEDED) {
            try {
                writeComplete(job.get(), response);
            } catch (JobNotFoundException e) {
                if (response.isCommitted()) {
                    throw e;
                }
                // Deleted since it was read (it came from the finished jobs' cache): nothing was sent yet.
                response.resetBuffer();
                return failure("Job not found: " + jobId);
            } catch (ResultsBusyException e) {
                // No room in the heap for another large result: nothing was sent yet.
                response.resetBuffer();
                return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(new Envelope(false, "The service is busy; retry later", Map.of()));
            }
            return null;
        }
        return answer(HttpStatus.OK, new Envelope(true, "Fetched Job: " + job.get().id(), view(job.get())));
    }

    /**
     * A succeeded job's answer, its {@code word_count} written word by word as the histogram is
     * read: a histogram can hold a million words, and held in a map for the converter it took
     * ~70 MB of heap per request for half a million, so a few requests at once ran a 512 MB
     * service out of memory. The generator is closed only when every word is written: closed on a
     * failure, it would end the JSON well-formed, a complete-looking answer short of words. A
     * failure before the first word (the histogram cannot be read: the store is down, the job was
     * deleted) leaves nothing sent, so it is answered as an error; one after it cuts the answer.
     */
    private void writeComplete(Job job, HttpServletResponse response) throws IOException {
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        JsonGenerator out = json.createGenerator(response.getOutputStream());
        out.writeStartObject();
        out.writeBooleanProperty("success", true);
        out.writeStringProperty("message", "Fetched Job: " + job.id());
        out.writeName("data");
        out.writeStartObject();
        out.writeStringProperty("job_id", job.id().toString());
        out.writeStringProperty("url", job.source().url());
        out.writeStringProperty("status", compatStatus(job.status()));
        out.writeName("word_count");
        out.writeStartObject();
        jobs.forEachWord(job.id(), word -> out.writeNumberProperty(word.word(), word.count()));
        out.writeEndObject();
        out.writeEndObject();
        out.writeEndObject();
        out.close();
    }

    @GetMapping("/health")
    @ApiResponse(responseCode = "200", description = "status PASS: every service is online")
    @ApiResponse(responseCode = "500", description = "status FAIL: at least one service is offline")
    ResponseEntity<Envelope> health() {
        boolean up = Status.UP.equals(health.health().getStatus());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", up ? "PASS" : "FAIL");
        data.put("info", up ? "All services are online" : "At least one service is offline");
        return answer(up ? HttpStatus.OK : HttpStatus.INTERNAL_SERVER_ERROR, new Envelope(up, "Completed Health Check", data));
    }

    private Map<String, Object> view(Job job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job_id", job.id().toString());
        data.put("url", job.source().url());
        data.put("status", compatStatus(job.status()));
        if (job.status() == JobStatus.FAILED && job.error() != null) {
            data.put("error", job.error().code() + ": " + job.error().message());
        } else if (job.status() == JobStatus.CANCELLED) {
            data.put("error", "CANCELLED: the job was cancelled");
        }
        return data;
    }

    static String compatStatus(JobStatus status) {
        return switch (status) {
            case QUEUED, RUNNING -> "IN_PROGRESS";
            case SUCCEEDED -> "COMPLETE";
            case FAILED, CANCELLED -> "FAIL";
        };
    }

    private Optional<JsonNode> readBody(HttpServletRequest request) throws IOException {
        try {
            // Python's json, which the original used, takes a field named twice at its last value.
            JsonNode node = json.reader().without(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .readTree(request.getInputStream());
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /**
     * What the original took for JSON (Werkzeug's {@code is_json}): {@code application/json}, or an
     * {@code application/…+json} type such as {@code application/vnd.api+json}.
     */
    private static boolean isJson(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return false;
        }
        try {
            MediaType media = MediaType.parseMediaType(type);
            return "application".equals(media.getType())
                    && ("json".equals(media.getSubtype()) || media.getSubtype().endsWith("+json"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<UUID> parse(String id) {
        try {
            return id.length() == 36 ? Optional.of(UUID.fromString(id)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A query string Tomcat cannot read (bad percent-encoding, over 1,000 parameters) is the
     * original envelope's 400 here too, not the jobs API's problem.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Envelope> unreadableQuery() {
        return failure("The query string could not be read");
    }

    private static ResponseEntity<Envelope> failure(String message) {
        return answer(HttpStatus.BAD_REQUEST, new Envelope(false, message, Map.of()));
    }

    /**
     * JSON whatever the request's {@code Accept}, as the original answered (Flask's {@code jsonify}
     * never looks at it): a content type set on the answer is not negotiated. With {@code produces}
     * on the mappings, a client of the original sending {@code Accept: text/plain} or a browser's
     * {@code text/html} got {@code 406} and a problem instead of the envelope.
     */
    private static ResponseEntity<Envelope> answer(HttpStatus status, Envelope envelope) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(envelope);
    }

    /** The original system's response envelope. */
    record Envelope(boolean success, String message, Object data) {
    }
}
