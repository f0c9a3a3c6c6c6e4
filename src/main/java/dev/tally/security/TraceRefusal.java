package dev.tally.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistration;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Refuses every {@code TRACE} request, on every dispatch, with 400 {@code malformed-request}, like
 * a method the security firewall does not know. Tomcat lets TRACE in ({@link TomcatLeavesRefusalsToFilters}),
 * and the servlet behind would answer it with an echo of the request's headers
 * ({@code HttpServlet.doTrace}, which Spring MVC calls after its own answer): nothing may depend on
 * the firewall's list of methods staying as it is to keep that from happening.
 */
@Component
@FilterRegistration(order = Ordered.HIGHEST_PRECEDENCE + 1,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR})
class TraceRefusal implements Filter {

    private final ProblemAuthenticationEntryPoint problems;
    private final SecurityHeaders headers;

    TraceRefusal(ProblemAuthenticationEntryPoint problems, SecurityHeaders headers) {
        this.problems = problems;
        this.headers = headers;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response
                && "TRACE".equals(request.getMethod())) {
            response.resetBuffer();
            headers.write(request, response); // this filter runs before the security chains
            problems.write(response, 400, "Bad Request", "the method TRACE is not accepted", "malformed-request");
            return;
        }
        chain.doFilter(req, res);
    }
}
