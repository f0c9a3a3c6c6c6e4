package dev.tally.api;

import dev.tally.job.Job;
import dev.tally.job.Jobs;
import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import dev.tally.security.CurrentClient;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The plain poll, {@code GET /api/v1/jobs/{id}} without a query string, answered before Spring
 * MVC. It is the most frequent request of all, and for it MVC's handler lookup (every mapping
 * matched in turn), argument conversion and method validation cost about as much as the answer.
 *
 * <p>Runs after Spring Security's filter chain (order -100: authentication, rate limits, security
 * headers, CORS) and inside the request observation, to which it gives the URI pattern MVC would,
 * and answers with {@link FinishedJobBodies#answer} exactly as {@code JobController} does. Anything
 * else goes on to MVC unchanged: another method or path, a query ({@code top}, {@code waitSeconds}),
 * an Accept other than none, any or JSON (MVC negotiates it, and refuses what it cannot honour),
 * a malformed id, a job that is unknown or another client's (MVC's 404 problem), and a failed
 * lookup (MVC's error handling).
 */
@Component
@ConditionalOnRole(Role.API)
@Order(0)
class JobPollFilter implements Filter {

    static final String PATTERN = "/api/v1/jobs/{id}";
    private static final String PREFIX = "/api/v1/jobs/";
    private static final int ID_LENGTH = 36;

    private final Jobs jobs;
    private final FinishedJobBodies bodies;

    JobPollFilter(Jobs jobs, FinishedJobBodies bodies) {
        this.jobs = jobs;
        this.bodies = bodies;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req instanceof HttpServletRequest request && res instanceof HttpServletResponse response) {
            Job job = plainPollTarget(request);
            if (job != null) {
                ServerHttpObservationFilter.findObservationContext(request)
                        .ifPresent(observation -> observation.setPathPattern(PATTERN));
                bodies.answer(job, new ServletWebRequest(request, response), response);
                return;
            }
        }
        chain.doFilter(req, res);
    }

    /** The caller's job this request polls plainly, or null when MVC is to handle the request. */
    private Job plainPollTarget(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.REQUEST || !"GET".equals(request.getMethod())
                || request.getQueryString() != null) {
            return null;
        }
        String uri = request.getRequestURI();
        int start = request.getContextPath().length() + PREFIX.length();
        if (uri.length() != start + ID_LENGTH || !uri.startsWith(PREFIX, start - PREFIX.length())) {
            return null;
        }
        UUID id = JobIds.parseOrNull(uri.substring(start));
        // Accept last: reading a header through the firewall's wrapper costs more than the checks above.
        if (id == null || !JobSubmitFilter.acceptsJson(request.getHeader(HttpHeaders.ACCEPT))) {
            return null;
        }
        Optional<Job> job;
        try {
            job = jobs.findOwned(id, CurrentClient.id());
        } catch (RuntimeException e) {
            return null; // MVC looks again, and answers a failure as every other request's
        }
        return job.orElse(null);
    }
}
