package dev.tally.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.dao.DataAccessException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.servlet.HandlerExceptionResolver;
import tools.jackson.databind.json.JsonMapper;

/**
 * The problems the security filters answer before a request reaches the API, as problem+json: 401
 * with a {@code WWW-Authenticate: Bearer} challenge (RFC 6750), 403 for a credential without the
 * scope a path needs, and the rate limit's 429; a check that
 * met a store outage is handed to the API's exception resolvers, which answer it with 503.
 */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    private final JsonMapper json;
    private final HandlerExceptionResolver errors;

    /** @param errors MVC's exception resolvers, which answer a store outage for the whole API */
    ProblemAuthenticationEntryPoint(JsonMapper json, HandlerExceptionResolver errors) {
        this.json = json;
        this.errors = errors;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean tokenSent = request.getHeader("Authorization") != null;
        reject(response, tokenSent ? "invalid_token" : null,
                tokenSent ? "the bearer token is not valid" : "credentials are required: Authorization: Bearer <token>");
    }

    void reject(HttpServletResponse response, String error, String detail) throws IOException {
        String challenge = "Bearer realm=\"tally\"" + (error == null ? "" : ", error=\"" + error + "\"");
        response.setHeader("WWW-Authenticate", challenge);
        write(response, 401, "Unauthorized", detail, "unauthorized");
    }

    /** 403 for a valid credential short of what the request needs, with RFC 6750's challenge naming the scope. */
    void forbid(HttpServletResponse response, String error, String scope, String detail) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"tally\", error=\"" + error + "\", scope=\"" + scope + "\"");
        write(response, 403, "Forbidden", detail, "forbidden");
    }

    /**
     * Answers a request whose check needed the job store (an API key's lookup, a shared rate-limit
     * bucket) while the store could not be reached, as the API answers a store outage (503 with
     * Retry-After): the same resolvers write it, so a client retries rather than gives up.
     */
    void storeUnavailable(HttpServletRequest request, HttpServletResponse response, DataAccessException cause) {
        if (errors.resolveException(request, response, null, cause) == null) {
            throw cause;
        }
    }

    void write(HttpServletResponse response, int status, String title, String detail, String type) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:tally:problem:" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
