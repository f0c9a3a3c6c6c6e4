package dev.tally.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import tools.jackson.databind.json.JsonMapper;

/**
 * The problems the security filters answer before a request reaches the API, as problem+json: 401
 * with a {@code WWW-Authenticate: Bearer} challenge (RFC 6750), the rate limit's 429, and 503 when
 * a check needed the unreachable job store.
 */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    /** As the API's own store-outage answer (ProblemHandler's). */
    private static final String STORE_RETRY_AFTER_SECONDS = "5";

    private final JsonMapper json;

    ProblemAuthenticationEntryPoint(JsonMapper json) {
        this.json = json;
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

    /**
     * The answer to a request whose check needed the job store (an API key's lookup, a shared
     * rate-limit bucket) while the store could not be reached: the one the API gives for a store
     * outage, so a client retries rather than gives up.
     */
    void storeUnavailable(HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", STORE_RETRY_AFTER_SECONDS);
        write(response, 503, "Service unavailable", "the job store is unavailable; try again shortly", "unavailable");
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
