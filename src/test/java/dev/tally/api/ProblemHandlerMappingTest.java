package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/** Which answer Spring MVC picks from {@link ProblemHandler} for a store failure it cannot see happen over HTTP. */
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
}
