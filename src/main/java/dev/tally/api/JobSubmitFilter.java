package dev.tally.api;

import dev.tally.job.Submission;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain submission, {@code POST /api/v1/jobs} with a JSON body and a JSON (or any) answer
 * accepted, handled before Spring MVC. Next to the poll it is the most frequent request, and MVC's
 * handler lookup, content negotiation in and out and the converters' chunked write cost about as
 * much as the rest of its request path.
 *
 * <p>Runs after the body limit (which has read and checked the body) and Spring Security's filter
 * chain (authentication, rate limits, headers), inside the request observation, to which it gives
 * the URI pattern MVC would. It submits through {@link JobSubmissions}, as {@code JobController}
 * does, and hands any failure of the submission to MVC's exception resolvers, so errors are the
 * same problem+json answers. A body it cannot parse, and anything that is not such a submission
 * (another media type, an Accept that is not JSON, a query, a repeated Idempotency-Key header),
 * goes on to MVC unchanged, which answers it as before.
 */
@Component
@ConditionalOnRole(Role.API)
@Order(0)
class JobSubmitFilter implements Filter {

    static final String PATTERN = "/api/v1/jobs";
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final JobSubmissions submissions;
    private final JsonMapper json;
    private final HandlerExceptionResolver errors;

    JobSubmitFilter(JobSubmissions submissions, JsonMapper json,
                    @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        this.submissions = submissions;
        this.json = json;
        this.errors = errors;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response
                && isPlainSubmission(request)) {
            SubmitJobRequest body = parsed(RequestBodyLimitFilter.jsonBody(request));
            if (body != null) {
                ServerHttpObservationFilter.findObservationContext(request)
                        .ifPresent(observation -> observation.setPathPattern(PATTERN));
                submit(body, request, response);
                return;
            }
        }
        chain.doFilter(req, res);
    }

    private void submit(SubmitJobRequest body, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        Submission submission;
        try {
            submission = submissions.submit(body, request.getHeader(IDEMPOTENCY_KEY));
        } catch (RuntimeException e) {
            ModelAndView handled = errors.resolveException(request, response, null, e);
            if (handled == null) {
                throw e;
            }
            return;
        }
        ResponseEntity<JobView> accepted = JobSubmissions.accepted(submission, request.getContextPath());
        byte[] answer = json.writeValueAsBytes(accepted.getBody());
        response.setStatus(accepted.getStatusCode().value());
        accepted.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
    }

    /** The body as a submission, or null for MVC to parse it again and answer its error. */
    private SubmitJobRequest parsed(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return json.readValue(body, SubmitJobRequest.class);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static boolean isPlainSubmission(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.REQUEST || !"POST".equals(request.getMethod())
                || request.getQueryString() != null) {
            return false;
        }
        String uri = request.getRequestURI();
        int contextLength = request.getContextPath().length();
        if (uri.length() != contextLength + PATTERN.length() || !uri.startsWith(PATTERN, contextLength)) {
            return false;
        }
        return isJson(request.getContentType()) && acceptsJson(request.getHeader(HttpHeaders.ACCEPT))
                && atMostOneKey(request.getHeaders(IDEMPOTENCY_KEY));
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        if (contentType.equalsIgnoreCase(MediaType.APPLICATION_JSON_VALUE)) {
            return true; // nearly every submission: no copies of the header
        }
        String type = contentType.replace(" ", "").toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("application/json;charset=utf-8");
    }

    /** Whether an Accept header asks for nothing, anything or exactly JSON: the short paths' answers. */
    static boolean acceptsJson(String accept) {
        return accept == null || accept.equals("*/*") || accept.equals(MediaType.APPLICATION_JSON_VALUE);
    }

    private static boolean atMostOneKey(Enumeration<String> keys) {
        if (!keys.hasMoreElements()) {
            return true;
        }
        keys.nextElement();
        return !keys.hasMoreElements();
    }
}
