package dev.tally.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page, {@code /error}, as problem+json in place of Spring Boot's own JSON:
 * errors raised outside Spring MVC's handlers reach it (the {@code sendError} of a filter or of
 * Tomcat once the request was read, such as a broken chunked body), and they are answered like
 * every other error, whatever the Accept: a client must be able to read the error. Asked for
 * directly, {@code /error} is not a path. (Paths the firewall refuses are answered by the security
 * configuration's RequestRejectedHandler.)
 */
@RestController
@Hidden // not an operation of the API
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c && c >= 400 ? c : HttpStatus.NOT_FOUND.value();
        HttpStatus known = HttpStatus.resolve(status);
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(URI.create("urn:tally:problem:" + ProblemReportValve.type(status)));
        problem.setTitle(known == null ? "Error" : known.getReasonPhrase());
        problem.setDetail(code == null ? "no such path" : ProblemReportValve.detail(status, known));
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String path) {
            try {
                problem.setInstance(URI.create(path));
            } catch (IllegalArgumentException notAUri) {
                // the path is the client's and may be anything: the problem goes without it
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
