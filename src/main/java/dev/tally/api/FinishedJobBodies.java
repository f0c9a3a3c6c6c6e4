package dev.tally.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tally.job.Job;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.WebRequest;
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

    /**
     * Answers a poll of {@code job}'s default representation: 304 when the request's conditions say
     * the client has it (as Spring's {@code checkNotModified} decides, including its 412 for a
     * failed If-Unmodified-Since; but for {@code If-None-Match: *}, {@link ETags#anyCurrent}), else 200 with ETag, Last-Modified and the pre-rendered body, written
     * without the message converters (which would re-read the Last-Modified header just written).
     * JSON whatever the Accept header, as the contract's poll always was.
     */
    void answer(Job job, WebRequest request, HttpServletResponse response) throws IOException {
        String etag = ETags.of(job, JobView.DEFAULT_TOP);
        long lastModified = job.updatedAt().toEpochMilli();
        if (isPlainRevalidation(request, etag) || ETags.anyCurrent(request)) {
            // What checkNotModified answers here too, without its general parsing of the headers:
            // a poller revalidating what it has is the most frequent conditional request. (And to
            // "*", what RFC 9110 asks, where checkNotModified answers 200.)
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            response.setDateHeader(HttpHeaders.LAST_MODIFIED, lastModified);
            response.setHeader(HttpHeaders.ETAG, etag);
            return;
        }
        if (request.checkNotModified(etag, lastModified)) {
            return;
        }
        byte[] body = render(job);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Exactly one If-None-Match header, naming exactly this ETag (strong or weak; Spring does not
     * answer 304 to {@code *} on a GET), and no If-Unmodified-Since, which Spring checks first and
     * may answer with 412. (If-Match, Spring ignores on a GET.)
     */
    private static boolean isPlainRevalidation(WebRequest request, String etag) {
        String[] ifNoneMatch = request.getHeaderValues(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch == null || ifNoneMatch.length != 1) {
            return false;
        }
        String tag = ifNoneMatch[0];
        boolean same = tag.equals(etag) || (tag.length() == etag.length() + 2 && tag.startsWith("W/") && tag.endsWith(etag));
        return same && request.getHeader(HttpHeaders.IF_UNMODIFIED_SINCE) == null;
    }
}
