package dev.tally.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem+json body where no Spring MVC handler is involved (servlet filters), with the
 * same {@code urn:tally:problem:} types as {@link ProblemHandler}, so a client sees one type per
 * kind of problem whichever layer answered.
 */
@Component
class Problems {

    private final JsonMapper json;

    Problems(JsonMapper json) {
        this.json = json;
    }

    void write(HttpServletResponse response, int status, String title, String detail, String type) throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream().write(json.writeValueAsBytes(body(status, title, detail, type)));
    }

    /** The problem's JSON text, for a writer that is not a servlet response's stream (Tomcat's error report). */
    String text(int status, String title, String detail, String type) {
        return json.writeValueAsString(body(status, title, detail, type));
    }

    private static Map<String, Object> body(int status, String title, String detail, String type) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:tally:problem:" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }
}
