package dev.tally.api;

import java.io.IOException;
import java.io.Writer;
import dev.tally.security.SecurityHeaders;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's own error answers as problem+json, like every other error of the service: those Tomcat
 * gives before any servlet sees the request (a request line or headers it cannot parse or that
 * are too large, an HTTP version or a transfer coding it does not support, an expectation it
 * cannot meet). Tomcat's stock valve answers them with an HTML page. It takes the stock valve's
 * place on the host (see {@link ProblemReportValveCustomizer}) and keeps its guards: nothing is
 * written for a status below 400, after a body was begun, twice, or when the connection can take
 * no more. Its answers carry the API's security headers, as no security filter ran for them.
 */
final class ProblemReportValve extends ErrorReportValve {

    private final Problems problems;
    private final SecurityHeaders headers;

    ProblemReportValve(Problems problems, SecurityHeaders headers) {
        this.problems = problems;
        this.headers = headers;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean();
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String problem = problems.text(status, known == null ? "Error" : known.getReasonPhrase(), detail(status, known),
                type(status));
        try {
            headers.write(request, response);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) { // null: the response was committed after all
                writer.write(problem);
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is no longer ours to write: nothing to answer
        }
    }

    /** The problem types of docs/api.md for what Tomcat, or a filter's {@code sendError}, answers. */
    static String type(int status) {
        return switch (status) {
            case 400 -> "malformed-request";
            case 401 -> "unauthorized";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "too-large";
            case 415 -> "unsupported-media-type";
            case 417 -> "expectation-failed";
            case 500 -> "internal";
            case 501 -> "not-implemented";
            case 503 -> "unavailable";
            case 505 -> "http-version-not-supported";
            default -> "http-" + status;
        };
    }

    /** What the client did wrong, by status: Tomcat sets no message for these. */
    static String detail(int status, HttpStatus known) {
        return switch (status) {
            case 400 -> "the request could not be read: an invalid character in its request line, a missing or"
                    + " repeated Host header, a bad Content-Length or chunked body, or headers over the size limit";
            case 417 -> "the request's Expect header cannot be met";
            case 501 -> "the request's transfer coding is not supported";
            case 505 -> "the request's HTTP version is not supported";
            default -> known == null ? "the request could not be handled" : known.getReasonPhrase();
        };
    }
}
