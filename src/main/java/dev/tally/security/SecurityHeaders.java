package dev.tally.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.security.web.header.HeaderWriter;

/**
 * The security headers of the API's answers (cache control, nosniff, frame options, the API's
 * CSP, referrer policy, HSTS on HTTPS), for answers made outside the security filter chains:
 * those of the firewall, which refuses a request before any chain, and those Tomcat makes before
 * any servlet (a request line it cannot parse, an HTTP version it does not support). A header the
 * response has already is left as it is.
 */
public final class SecurityHeaders {

    private final List<HeaderWriter> writers;

    SecurityHeaders(List<HeaderWriter> writers) {
        this.writers = List.copyOf(writers);
    }

    /** Adds each header the response does not have yet. */
    public void write(HttpServletRequest request, HttpServletResponse response) {
        writers.forEach(writer -> writer.writeHeaders(request, response));
    }
}
