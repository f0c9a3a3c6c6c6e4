package dev.tally.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import tools.jackson.databind.json.JsonMapper;

/** 401 as problem+json with a {@code WWW-Authenticate: Bearer} challenge (RFC 6750). */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

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
