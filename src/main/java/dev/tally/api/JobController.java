package dev.tally.api;

import dev.tally.job.Job;
import dev.tally.job.JobNotFoundException;
import dev.tally.job.JobPage;
import dev.tally.job.JobStatus;
import dev.tally.job.Jobs;
import dev.tally.job.ListCursor;
import dev.tally.job.WordsPage;
import dev.tally.security.CurrentClient;
import dev.tally.security.RequestCredentials;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The jobs API, contract section 1. Every mapping that answers a body names what it produces, so
 * that an Accept the API cannot honour is refused (406) before anything is done: a submission or a
 * cancel must not happen and then be answered as an error.
 */
@RestController
@ConditionalOnRole(Role.API)
@RequestMapping("/api/v1/jobs")
class JobController {

    private static final String CSV = "text/csv";
    /** How long after its deadline the container ends a long poll that was somehow not answered. */
    private static final long CONTAINER_TIMEOUT_MARGIN_MILLIS = 5_000;

    private final Jobs jobs;
    private final JobSubmissions submissions;
    private final JobWatchers watchers;
    private final JobEventStreams eventStreams;
    private final FinishedJobBodies bodies;
    private final ParkedRequestLimits parkedLimits;
    private final RequestCredentials credentials;

    JobController(Jobs jobs, JobSubmissions submissions, JobWatchers watchers, JobEventStreams eventStreams,
                  FinishedJobBodies bodies, ParkedRequestLimits parkedLimits, RequestCredentials credentials) {
        this.jobs = jobs;
        this.submissions = submissions;
        this.watchers = watchers;
        this.eventStreams = eventStreams;
        this.bodies = bodies;
        this.parkedLimits = parkedLimits;
        this.credentials = credentials;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(@RequestBody SubmitJobRequest request,
                                   @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                   HttpServletRequest servletRequest) {
        return JobSubmissions.accepted(submissions.submit(request, idempotencyKey), servletRequest.getContextPath());
    }

    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    Object get(@PathVariable String id,
               @RequestParam(defaultValue = "10") @Min(0) @Max(100) int top,
               @RequestParam(required = false) @Min(0) @Max(60) Integer waitSeconds,
               @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
               WebRequest request, HttpServletRequest servletRequest, HttpServletResponse response) throws IOException {
        Job job = find(id);
        boolean park = waitSeconds != null && waitSeconds > 0 && !job.status().isTerminal()
                && (ifNoneMatch == null || ETags.matches(ifNoneMatch, ETags.of(job, top)));
        if (!park) {
            if (top == JobView.DEFAULT_TOP) {
                bodies.answer(job, request, response);
                return null;
            }
            if (ETags.anyCurrent(request)) {
                return notModified(job, top);
            }
            // Answers 304 itself, or sets ETag and Last-Modified for the 200 below.
            if (request.checkNotModified(ETags.of(job, top), job.updatedAt().toEpochMilli())) {
                return null;
            }
            return ok(job, top);
        }
        return longPoll(job, top, waitSeconds, ifNoneMatch, parkedLimits.admit(CurrentClient.boundKey(servletRequest)));
    }

    /**
     * Holds the answer, without holding a thread, until the job changes or the wait is over.
     * Woken by {@link JobWatchers}, which hears of changes on any node.
     */
    private DeferredResult<ResponseEntity<?>> longPoll(Job job, int top, int waitSeconds, String ifNoneMatch,
                                                       Runnable leave) {
        UUID jobId = job.id();
        long seen = job.version();
        // The container's own timeout is only a backstop: the wait is ended on time by JobWatchers.
        var result = new DeferredResult<ResponseEntity<?>>(waitSeconds * 1000L + CONTAINER_TIMEOUT_MARGIN_MILLIS);
        Runnable stopWatching = watchers.watch(jobId, changed -> {
            if (changed.isEmpty()) {
                result.setErrorResult(new JobNotFoundException(jobId));
            } else if (changed.get().version() != seen) {
                result.setResult(conditional(changed.get(), top, ifNoneMatch));
            }
        });
        Runnable answerNow = () -> {
            try {
                result.setResult(jobs.find(jobId)
                        .map(j -> conditional(j, top, ifNoneMatch))
                        .orElseGet(() -> ResponseEntity.notFound().build()));
            } catch (RuntimeException e) {
                // The store failed the last read: answered as any request is during an outage
                // (ProblemHandler), not left to the container's timeout five seconds later.
                result.setErrorResult(e);
            }
        };
        Runnable cancelDeadline = watchers.after(Duration.ofSeconds(waitSeconds), answerNow);
        Runnable stayOnStop = watchers.untilStop(answerNow);
        result.onCompletion(() -> {
            stopWatching.run();
            cancelDeadline.run();
            stayOnStop.run();
            leave.run();
        });
        result.onTimeout(answerNow);
        // A change between the first read and the registration above must not be slept through.
        // A failure of that read is answered through the result, not thrown: thrown, it left the
        // registrations above (and the client's place among the parked) behind for good, since
        // completion callbacks run only for a result that was returned.
        try {
            Optional<Job> latest = jobs.find(jobId);
            if (latest.isEmpty()) {
                result.setErrorResult(new JobNotFoundException(jobId)); // deleted meanwhile: 404 at once
            } else if (latest.get().version() != seen) {
                result.setResult(conditional(latest.get(), top, ifNoneMatch));
            }
        } catch (RuntimeException e) {
            result.setErrorResult(e);
        }
        return result;
    }

    /** Server-sent events: the job now and at every change; ends after a terminal state. */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable String id, HttpServletRequest request) {
        return eventStreams.open(find(id), CurrentClient.boundKey(request), credentials.current());
    }

    private ResponseEntity<?> ok(Job job, int top) {
        var response = ResponseEntity.ok().eTag(ETags.of(job, top)).lastModified(job.updatedAt());
        if (top == JobView.DEFAULT_TOP) {
            // The common poll: a finished job's body is rendered once, not at every request.
            return response.contentType(MediaType.APPLICATION_JSON).body(bodies.render(job));
        }
        return response.body(JobView.of(job, top));
    }

    private ResponseEntity<?> conditional(Job job, int top, String ifNoneMatch) {
        if (ifNoneMatch != null && ETags.matches(ifNoneMatch, ETags.of(job, top))) {
            return notModified(job, top);
        }
        return ok(job, top);
    }

    private static ResponseEntity<?> notModified(Job job, int top) {
        return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(ETags.of(job, top)).lastModified(job.updatedAt()).build();
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    JobListView list(@RequestParam(required = false) String status,
                     @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit,
                     @RequestParam(required = false) String cursor,
                     HttpServletRequest request) {
        JobStatus wanted = status == null ? null : parseStatus(status);
        ListCursor after = cursor == null ? null : ListCursor.decode(cursor)
                .orElseThrow(() -> new InvalidRequestException("cursor is not valid; use the next link of a previous page"));
        JobPage page = jobs.list(CurrentClient.id(), wanted, after, limit);
        return new JobListView(
                page.items().stream().map(j -> JobView.of(j, JobView.DEFAULT_TOP)).toList(),
                page.next() == null ? null : nextLink(request, page.next().encode()));
    }

    @GetMapping(path = "/{id}/words", produces = MediaType.APPLICATION_JSON_VALUE)
    WordsView words(@PathVariable String id,
                    @RequestParam(defaultValue = "100") @Min(1) @Max(10_000) int limit,
                    @RequestParam(required = false) String cursor,
                    HttpServletRequest request) {
        UUID jobId = find(id).id();
        long offset = cursor == null ? 0 : decodeOffset(cursor);
        WordsPage page = jobs.words(jobId, offset, limit);
        var summary = page.job().summary();
        return new WordsView(jobId.toString(), summary.totalWords(), summary.distinctWords(), page.words(),
                page.nextOffset() < 0 ? null : nextLink(request, encodeOffset(page.nextOffset())));
    }

    @GetMapping(path = "/{id}/words", produces = CSV)
    void wordsCsv(@PathVariable String id, HttpServletResponse response) throws IOException {
        UUID jobId = find(id).id();
        // Checked before the first byte is written, so a wrong state is still a clean 404/409.
        jobs.checkWordsExist(jobId);
        response.setContentType("text/csv; charset=utf-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + jobId + "-words.csv\"");
        var out = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8), 64 * 1024);
        out.write("word,count\n");
        jobs.forEachWord(jobId, w -> {
            out.write(csvField(w.word()));
            out.write(',');
            out.write(Long.toString(w.count()));
            out.write('\n');
        });
        out.flush();
    }

    @PostMapping(path = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    JobView cancel(@PathVariable String id) {
        return JobView.of(jobs.cancel(find(id).id()), JobView.DEFAULT_TOP);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        UUID jobId = find(id).id();
        if (!jobs.delete(jobId)) {
            throw new JobNotFoundException(jobId);
        }
        return ResponseEntity.noContent().build();
    }

    /** The caller's job: another client's job is as unknown as one that never existed. */
    private Job find(String id) {
        UUID jobId = JobIds.parse(id);
        return jobs.findOwned(jobId, CurrentClient.id()).orElseThrow(() -> new JobNotFoundException(jobId));
    }

    private static JobStatus parseStatus(String status) {
        try {
            return JobStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("status must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED");
        }
    }

    private static String nextLink(HttpServletRequest request, String cursor) {
        return UriComponentsBuilder.fromPath(request.getRequestURI())
                .query(request.getQueryString())
                .replaceQueryParam("cursor", cursor)
                .build()
                .toUriString();
    }

    private static String encodeOffset(long offset) {
        byte[] bytes = ByteBuffer.allocate(Long.BYTES).putLong(offset).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static long decodeOffset(String cursor) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            if (bytes.length == Long.BYTES) {
                long offset = ByteBuffer.wrap(bytes).getLong();
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the client error below
        }
        throw new InvalidRequestException("cursor is not valid; use the next link of a previous page");
    }

    /** RFC 4180: quote a field that holds a comma, quote or line break. */
    private static String csvField(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return '"' + value.replace("\"", "\"\"") + '"';
            }
        }
        return value;
    }
}
