package dev.tally.correlation;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;
import org.springframework.boot.web.servlet.FilterRegistration;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a plausible one (a load
 * balancer's, a client's), else a new random one. The id is in the logging context while the
 * request is handled ({@link LogContext#REQUEST_ID}), is answered in the response's
 * {@code X-Request-Id}, and is stored with a job the request submits. First of all filters, so that
 * also a refused request (401, 429, 413) is answered with its id. Also on a request's later
 * dispatches (a long-poll answered when its job changed, an error page), which keep the id the
 * request was given: what they log is the request's too.
 */
@Component
@FilterRegistration(order = Ordered.HIGHEST_PRECEDENCE,
        dispatcherTypes = {DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR})
class RequestIdFilter implements Filter {

    static final String HEADER = "X-Request-Id";

    /** The request's id, kept for its later dispatches. */
    private static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

    /** Longest id taken from a caller; nginx's {@code $request_id} has 32 characters, a UUID 36. */
    static final int MAX_LENGTH = 64;

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        String id = request.getDispatcherType() == DispatcherType.REQUEST ? null : (String) request.getAttribute(ATTRIBUTE);
        if (id == null) {
            id = accepted(request.getHeader(HEADER));
            if (id == null) {
                id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            }
            request.setAttribute(ATTRIBUTE, id);
        }
        if (!response.isCommitted()) {
            response.setHeader(HEADER, id);
        }
        MDC.put(LogContext.REQUEST_ID, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(LogContext.REQUEST_ID);
        }
    }

    /**
     * The caller's id, or null when there is none or it is not one: too long, or with a character
     * that could forge a log line or a header (only letters, digits and {@code . _ : @ / + = -}).
     */
    static String accepted(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '@' || c == '/' || c == '+' || c == '=' || c == '-';
            if (!allowed) {
                return null;
            }
        }
        return id;
    }
}
