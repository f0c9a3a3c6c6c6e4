package dev.tally.api;

import dev.tally.fetch.InvalidUrlException;
import dev.tally.fetch.UrlPolicy;
import dev.tally.job.Job;
import dev.tally.job.JobNotFoundException;
import dev.tally.job.JobPage;
import dev.tally.job.JobStatus;
import dev.tally.job.Jobs;
import dev.tally.job.ListCursor;
import dev.tally.job.NewJob;
import dev.tally.job.WordsPage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.util.UriComponentsBuilder;

/** The jobs API, contract section 1. */
@RestController
@ConditionalOnRole(Role.API)
@RequestMapping("/api/v1/jobs")
class JobController {

    private static final String CSV = "text/csv";

    private final Jobs jobs;
    private final UrlPolicy urlPolicy;

    JobController(Jobs jobs, UrlPolicy urlPolicy) {
        this.jobs = jobs;
        this.urlPolicy = urlPolicy;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> submit(@RequestBody SubmitJobRequest request) {
        Job job = jobs.submit(validated(request));
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/jobs/" + job.id()))
                .body(JobView.of(job, JobView.DEFAULT_TOP));
    }

    @GetMapping("/{id}")
    ResponseEntity<JobView> get(@PathVariable String id,
                                @RequestParam(defaultValue = "10") @Min(0) @Max(100) int top,
                                WebRequest request) {
        Job job = find(id);
        String etag = "\"" + job.version() + "-" + top + "\"";
        if (request.checkNotModified(etag, job.updatedAt().toEpochMilli())) {
            return null;
        }
        return ResponseEntity.ok()
                .eTag(etag)
                .lastModified(job.updatedAt())
                .body(JobView.of(job, top));
    }

    @GetMapping
    JobListView list(@RequestParam(required = false) String status,
                     @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit,
                     @RequestParam(required = false) String cursor,
                     HttpServletRequest request) {
        JobStatus wanted = status == null ? null : parseStatus(status);
        ListCursor after = cursor == null ? null : ListCursor.decode(cursor)
                .orElseThrow(() -> new InvalidRequestException("cursor is not valid; use the next link of a previous page"));
        JobPage page = jobs.list(wanted, after, limit);
        return new JobListView(
                page.items().stream().map(j -> JobView.of(j, JobView.DEFAULT_TOP)).toList(),
                page.next() == null ? null : nextLink(request, page.next().encode()));
    }

    @GetMapping(path = "/{id}/words", produces = MediaType.APPLICATION_JSON_VALUE)
    WordsView words(@PathVariable String id,
                    @RequestParam(defaultValue = "100") @Min(1) @Max(10_000) int limit,
                    @RequestParam(required = false) String cursor,
                    HttpServletRequest request) {
        UUID jobId = JobIds.parse(id);
        long offset = cursor == null ? 0 : decodeOffset(cursor);
        WordsPage page = jobs.words(jobId, offset, limit);
        var summary = page.job().summary();
        return new WordsView(jobId.toString(), summary.totalWords(), summary.distinctWords(), page.words(),
                page.nextOffset() < 0 ? null : nextLink(request, encodeOffset(page.nextOffset())));
    }

    @GetMapping(path = "/{id}/words", produces = CSV)
    void wordsCsv(@PathVariable String id, HttpServletResponse response) throws IOException {
        UUID jobId = JobIds.parse(id);
        // Checked before the first byte is written, so a wrong state is still a clean 404/409.
        jobs.words(jobId, 0, 1);
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

    @PostMapping("/{id}/cancel")
    JobView cancel(@PathVariable String id) {
        return JobView.of(jobs.cancel(JobIds.parse(id)), JobView.DEFAULT_TOP);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        UUID jobId = JobIds.parse(id);
        if (!jobs.delete(jobId)) {
            throw new JobNotFoundException(jobId);
        }
        return ResponseEntity.noContent().build();
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

    private Job find(String id) {
        UUID jobId = JobIds.parse(id);
        return jobs.find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
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
