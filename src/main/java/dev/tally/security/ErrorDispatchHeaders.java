package dev.tally.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.web.filter.GenericFilterBean;

/**
 * Writes the security headers on an error dispatch. Spring Security's header filter runs once per
 * request and skips error dispatches, as the request's own dispatch wrote the headers already; but
 * Tomcat answers some requests before any filter ({@code /WEB-INF/...}, {@code /META-INF/...}: 404)
 * and dispatches straight to the error page, which then went without them. Each writer leaves a
 * header the response has.
 */
final class ErrorDispatchHeaders extends GenericFilterBean {

    private final List<HeaderWriter> writers;

    ErrorDispatchHeaders(List<HeaderWriter> writers) {
        this.writers = List.copyOf(writers);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (req.getDispatcherType() == DispatcherType.ERROR
                && req instanceof HttpServletRequest request && res instanceof HttpServletResponse response) {
            writers.forEach(writer -> writer.writeHeaders(request, response));
        }
        chain.doFilter(req, res);
    }
}
