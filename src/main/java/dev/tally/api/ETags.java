package dev.tally.api;

import dev.tally.job.Job;
import org.springframework.http.HttpHeaders;
import org.springframework.web.context.request.WebRequest;

/** Strong ETags of job representations, and {@code If-None-Match} matching (RFC 9110 weak comparison). */
final class ETags {

    private ETags() {
    }

    /** Changes whenever the representation changes: the job's version and the {@code top} asked for. */
    static String of(Job job, int top) {
        return "\"" + job.version() + "-" + top + "\"";
    }

    static boolean matches(String ifNoneMatch, String etag) {
        String wanted = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || opaque(tag).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a GET's {@code If-None-Match} is {@code *}, which RFC 9110 (13.1.2) makes false, so a
     * {@code 304}, whenever the resource has a current representation, as every job found has.
     * Spring's {@code checkNotModified} ignores {@code *} on safe methods and answers {@code 200}.
     * Left to Spring when {@code If-Unmodified-Since} is there too: it is evaluated first.
     */
    static boolean anyCurrent(WebRequest request) {
        String[] ifNoneMatch = request.getHeaderValues(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch == null || request.getHeader(HttpHeaders.IF_UNMODIFIED_SINCE) != null) {
            return false;
        }
        for (String value : ifNoneMatch) {
            for (String tag : value.split(",")) {
                if (tag.trim().equals("*")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
