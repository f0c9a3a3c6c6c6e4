package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/**
 * Which answer Spring MVC picks from {@link ProblemHandler} for failures hard to make happen over
 * HTTP: a failed store commit, and a body read past its deadline by a handler (JSON bodies are read,
 * and timed out, before any handler, in {@link RequestBodyLimitFilter}).
 */
class ProblemHandlerMappingTest {

    private final ExceptionHandlerMethodResolver resolver = new ExceptionHandlerMethodResolver(ProblemHandler.class);

    @Test
    void answers503WithRetryAfterWhenTheStoresCommitFailed() throws Exception {
        // What a submission's group commit threw when the disk under the embedded store filled up.
        var failedCommit = new TransactionSystemException("JDBC commit failed");

        Method handler = resolver.resolveMethod(failedCommit);

        assertThat(handler).isNotNull();
        @SuppressWarnings("unchecked")
        var answer = (ResponseEntity<ProblemDetail>) handler.invoke(new ProblemHandler(), failedCommit);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(answer.getBody().getType().toString()).isEqualTo("urn:tally:problem:unavailable");
    }

    @Test
    void answers408WhenAHandlerReadsABodyPastItsDeadline() throws Exception {
        var tooSlow = new BodyReadTimeoutException(Duration.ofSeconds(60));

        Method handler = resolver.resolveMethod(tooSlow);

        assertThat(handler).isNotNull();
        @SuppressWarnings("unchecked")
        var answer = (ResponseEntity<ProblemDetail>) handler.invoke(new ProblemHandler(), tooSlow);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.REQUEST_TIMEOUT);
        assertThat(answer.getBody().getDetail()).isEqualTo("the request body was not received within 60 s");
        assertThat(answer.getBody().getType().toString()).isEqualTo("urn:tally:problem:body-timeout");
    }
}
