package dev.tally.api;

import dev.tally.job.AdmissionRefusedException;
import dev.tally.job.IdempotencyConflictException;
import dev.tally.job.JobNotFoundException;
import dev.tally.job.JobStateConflictException;
import dev.tally.job.ResultsBusyException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the API as RFC 9457 problem+json with a {@code urn:tally:problem:} type
 * (docs/api.md lists them): Spring MVC's own (404, 405, 406, 415) through the base class, typed by
 * their status, and Tally's below, including the base class's malformed bodies and bad
 * parameters, answered here with the parameter named.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    private static final String RETRY_AFTER_SECONDS = "5";
    private static final URI ABOUT_BLANK = URI.create("about:blank");
    /** The types of the problems Spring MVC answers itself, by status. */
    private static final Map<Integer, String> FRAMEWORK_TYPES = Map.of(
            400, "invalid-request",
            404, "not-found",
            405, "method-not-allowed",
            406, "not-acceptable",
            413, "too-large",
            415, "unsupported-media-type",
            500, "internal",
            503, "unavailable");

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequestException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), "invalid-request");
    }

    /**
     * Tomcat could not read the query string: a parameter not validly percent-encoded (the cause
     * says how), or more than {@code server.tomcat.max-parameter-count} (1,000) parameters.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> unreadableQuery(InvalidParameterException e) {
        String detail = e.getCause() != null
                ? "a query parameter is not validly percent-encoded"
                : "the query string has too many parameters";
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, "invalid-request");
    }

    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(BodyTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Content Too Large", e.getMessage(), "too-large");
    }

    @ExceptionHandler(BodyReadTimeoutException.class)
    ResponseEntity<ProblemDetail> tooSlow(BodyReadTimeoutException e) {
        // Tomcat adds Connection: close to a 408: the rest of the body may still be on its way.
        return problem(HttpStatus.REQUEST_TIMEOUT, "Request Timeout", e.getMessage(), "body-timeout");
    }

    @ExceptionHandler(JobNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(JobNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Job not found", "no job with this id", "job-not-found");
    }

    @ExceptionHandler(JobStateConflictException.class)
    ResponseEntity<ProblemDetail> conflict(JobStateConflictException e) {
        ResponseEntity<ProblemDetail> response = problem(HttpStatus.CONFLICT, "Job state conflict", e.getMessage(), "job-state");
        response.getBody().setProperty("jobStatus", e.job().status().name());
        return response;
    }

    @ExceptionHandler(IdempotencyConflictException.class)
    ResponseEntity<ProblemDetail> idempotency(IdempotencyConflictException e) {
        // In flight: the first request is answered within moments (or, had it died, its key is
        // taken over after 30 s), so the client is asked to come back, not to give up.
        return e.reason() == IdempotencyConflictException.Reason.IN_FLIGHT
                ? retryLater(problem(HttpStatus.CONFLICT, "Request in progress", e.getMessage(), "idempotency-in-flight"), "2")
                : problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", e.getMessage(), "idempotency-mismatch");
    }

    @ExceptionHandler(AdmissionRefusedException.class)
    ResponseEntity<ProblemDetail> refused(AdmissionRefusedException e) {
        return switch (e.bound()) {
            case CLIENT -> retryLater(problem(HttpStatus.TOO_MANY_REQUESTS, "Too many unfinished jobs", e.getMessage(),
                    "client-backlog-full"), "30");
            case SERVICE -> retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE, "Overloaded", e.getMessage(), "overloaded"), "30");
            // Space comes back as retention deletes old jobs or an operator frees the disk: not within seconds.
            case STORAGE -> retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE, "Storage full", e.getMessage(), "storage-full"),
                    "300");
        };
    }

    @ExceptionHandler(ResultsBusyException.class)
    ResponseEntity<ProblemDetail> resultsBusy(ResultsBusyException e) {
        return retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable", e.getMessage(),
                "large-results-busy"), RETRY_AFTER_SECONDS);
    }

    @ExceptionHandler(ParkedRequestLimits.TooManyParkedException.class)
    ResponseEntity<ProblemDetail> tooManyParked(ParkedRequestLimits.TooManyParkedException e) {
        HttpStatus status = e.perClient() ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
        return retryLater(problem(status, e.perClient() ? "Too many open waits" : "Too many open waits on this node",
                e.getMessage(), e.perClient() ? "too-many-waits" : "waits-full"), RETRY_AFTER_SECONDS);
    }

    /**
     * The store is unreachable or overloaded, or a commit failed (seen: a full disk under the
     * embedded store): the client should come back, not give up.
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            QueryTimeoutException.class, CannotCreateTransactionException.class, TransactionSystemException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
        // A failed rollback (the session ended under the transaction: a restart, a failover) names
        // only the rollback; what failed first is the reason.
        Throwable reason = e instanceof TransactionSystemException t && t.getApplicationException() != null
                ? t.getApplicationException() : e;
        log.warn("job store unavailable: {}", reason.getMessage());
        return retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable",
                "the job store is unavailable; try again shortly", "unavailable"), RETRY_AFTER_SECONDS);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "an unexpected error occurred", "internal");
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLargeException tooLarge) {
                return asObject(problem(HttpStatus.CONTENT_TOO_LARGE, "Content Too Large", tooLarge.getMessage(), "too-large"));
            }
            if (cause instanceof BodyReadTimeoutException tooSlow) {
                return asObject(tooSlow(tooSlow));
            }
        }
        return asObject(problem(HttpStatus.BAD_REQUEST, "Malformed request body",
                JsonBodyProblems.detail(e.getMostSpecificCause()), "malformed-body"));
    }

    /** A parameter out of its range ({@code ?limit=100000}): which one and why, not "Validation failure". */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<String> reasons = new ArrayList<>();
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                reasons.add(parameterName(result.getMethodParameter()) + " " + error.getDefaultMessage());
            }
        }
        String detail = reasons.isEmpty() ? "a parameter has a bad value" : String.join("; ", reasons);
        return asObject(problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, "invalid-request"));
    }

    /** A parameter that is not of its type ({@code ?limit=ten}). */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException argument ? argument.getName() : e.getPropertyName();
        Class<?> type = e.getRequiredType();
        boolean whole = type != null && (type == int.class || type == Integer.class || type == long.class || type == Long.class);
        String detail = (name == null ? "a parameter" : name) + " must be " + (whole ? "a whole number" : "a valid value");
        return asObject(problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, "invalid-request"));
    }

    private static String parameterName(MethodParameter parameter) {
        RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
        if (param != null && !param.name().isEmpty()) {
            return param.name();
        }
        String name = parameter.getParameterName();
        return name == null ? "a parameter" : name;
    }

    /**
     * A method the path does not take: {@code Allow} lists every method it does take, as an
     * {@code OPTIONS} request's answer does: Spring MVC named only the mapped ones, though a path
     * that takes GET takes HEAD too, and every path takes OPTIONS (RFC 9110, 15.5.6).
     */
    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Set<HttpMethod> supported = e.getSupportedHttpMethods();
        if (supported != null && !supported.isEmpty()) {
            Set<HttpMethod> allowed = new LinkedHashSet<>(supported);
            if (allowed.contains(HttpMethod.GET)) {
                allowed.add(HttpMethod.HEAD);
            }
            allowed.add(HttpMethod.OPTIONS);
            headers.setAllow(allowed);
        }
        return handleExceptionInternal(e, null, headers, status, request);
    }

    /**
     * Spring MVC's own problems (an unknown path, a method or media type not supported, a missing
     * parameter) get the type of their status, so that every problem Tally answers has one.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(e, body, headers, status, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem
                && (problem.getType() == null || ABOUT_BLANK.equals(problem.getType()))) {
            String type = FRAMEWORK_TYPES.get(status.value());
            if (type != null) {
                problem.setType(URI.create("urn:tally:problem:" + type));
            }
        }
        return response;
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail, String type) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("urn:tally:problem:" + type));
        return ResponseEntity.status(status)
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The problem with {@code Retry-After}: the client should come back then, not give up. */
    private static ResponseEntity<ProblemDetail> retryLater(ResponseEntity<ProblemDetail> problem, String seconds) {
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, seconds).body(problem.getBody());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> asObject(ResponseEntity<ProblemDetail> response) {
        return (ResponseEntity) response;
    }
}
