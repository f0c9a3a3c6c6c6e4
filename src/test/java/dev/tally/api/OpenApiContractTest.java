package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.TallyIntegrationTest;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** The published OpenAPI description lists exactly the operations the application serves. */
@TallyIntegrationTest
class OpenApiContractTest {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void documentsEveryOperationAndNoOther() {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (!method.getBeanType().getPackageName().startsWith("dev.tally")
                    || method.getBeanType().isAnnotationPresent(Hidden.class)) {
                return; // another library's, or not an operation of the API (the dashboard page, /error)
            }
            for (String path : info.getPathPatternsCondition().getPatternValues()) {
                info.getMethodsCondition().getMethods().forEach(m -> served.add(m.name() + " " + path));
            }
        });
        JsonNode paths = new Api(port).get("/v3/api-docs").json().get("paths");
        Set<String> documented = new TreeSet<>();
        paths.properties().forEach(path -> path.getValue().properties()
                .forEach(op -> documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));

        assertThat(documented).isEqualTo(served);
    }

    @Test
    void documentsProblemResponsesAndProtocolHeaders() {
        JsonNode paths = new Api(port).get("/v3/api-docs").json().get("paths");
        JsonNode submit = paths.get("/api/v1/jobs").get("post");
        assertThat(submit.get("responses").has("202")).isTrue();
        assertThat(submit.get("responses").get("413").get("content").has("application/problem+json")).isTrue();
        assertThat(submit.get("responses").get("408").get("content").has("application/problem+json")).isTrue();
        assertThat(submit.get("responses").has("422")).isTrue();
        assertThat(submit.get("parameters").toString()).contains("Idempotency-Key");
        JsonNode get = paths.get("/api/v1/jobs/{id}").get("get");
        assertThat(get.get("parameters").toString()).contains("waitSeconds", "top", "If-None-Match");
        assertThat(get.get("responses").has("304")).isTrue();
        assertThat(get.get("parameters").toString()).contains("X-Request-Id");
        assertThat(submit.get("responses").get("202").get("headers").has("X-Request-Id")).isTrue();
        assertThat(submit.get("responses").get("429").get("headers").has("X-Request-Id")).isTrue();
        assertThat(get.get("responses").has("404")).isTrue();
    }

    @Test
    void namesEachParameterOfAnOperationOnce() {
        JsonNode paths = new Api(port).get("/v3/api-docs").json().get("paths");
        List<String> repeated = new ArrayList<>();
        paths.properties().forEach(path -> path.getValue().properties().forEach(op -> {
            Set<String> seen = new TreeSet<>();
            JsonNode parameters = op.getValue().get("parameters");
            if (parameters != null) {
                parameters.forEach(parameter -> {
                    String key = parameter.get("in").asString() + " " + parameter.get("name").asString().toLowerCase(Locale.ROOT);
                    if (!seen.add(key)) {
                        repeated.add(op.getKey() + " " + path.getKey() + ": " + key);
                    }
                });
            }
        }));

        assertThat(repeated).isEmpty();
    }

    @Test
    void documentsAJobsWordsAsJsonAndAsCsv() {
        JsonNode words = new Api(port).get("/v3/api-docs").json().get("paths").get("/api/v1/jobs/{id}/words").get("get");

        assertThat(words.get("responses").get("200").get("content").has("application/json")).isTrue();
        assertThat(words.get("responses").get("200").get("content").has("text/csv")).isTrue();
    }

    @Test
    void documentsTheNotAcceptableAnswerOfEveryApiOperationWithABody() {
        JsonNode paths = new Api(port).get("/v3/api-docs").json().get("paths");
        List<String> undocumented = new ArrayList<>();
        paths.properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (path.getKey().startsWith("/api/") && !op.getKey().equals("delete")
                    && !op.getValue().get("responses").has("406")) {
                undocumented.add(op.getKey() + " " + path.getKey());
            }
        }));

        assertThat(undocumented).isEmpty();
        assertThat(paths.get("/api/v1/jobs/{id}").get("delete").get("responses").has("406"))
                .as("a 204 has no body to negotiate").isFalse();
    }

    @Test
    void documentsTheCompatibleApisAnswerCodes() {
        JsonNode wordCount = new Api(port).get("/v3/api-docs").json().get("paths").get("/word-count");

        assertThat(wordCount.get("post").get("responses").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("202", "400", "401", "408", "413", "429", "503");
        assertThat(wordCount.get("get").get("responses").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("200", "400", "401", "408", "413", "429", "503");
        assertThat(wordCount.get("post").get("responses").get("413").get("content").has("application/problem+json"))
                .as("refused before the compatible API reads the body: problem+json").isTrue();
        assertThat(wordCount.get("post").get("responses").get("400").get("content").has("application/problem+json"))
                .as("a body that is not UTF-8, refused before the compatible API reads it").isTrue();
        JsonNode busy = wordCount.get("get").get("responses").get("503").get("content");
        assertThat(busy.has("application/json")).as("large results busy: the original's envelope").isTrue();
        assertThat(busy.has("application/problem+json")).as("the store unavailable, bodies busy: problem+json").isTrue();
    }

    @Test
    void documentsTheCredentialAndRateLimitRefusalsOfEveryApiOperation() {
        JsonNode docs = new Api(port).get("/v3/api-docs").json();
        List<String> undocumented = new ArrayList<>();
        docs.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!path.getKey().startsWith("/api/") && !path.getKey().equals("/word-count")) {
                return;
            }
            JsonNode responses = op.getValue().get("responses");
            for (String code : List.of("401", "429")) {
                if (!responses.has(code) || !responses.get(code).get("content").has("application/problem+json")) {
                    undocumented.add(op.getKey() + " " + path.getKey() + " " + code);
                }
            }
            if (!String.valueOf(op.getValue().get("security")).contains("\"bearer\"")) {
                undocumented.add(op.getKey() + " " + path.getKey() + " security");
            }
        }));

        assertThat(undocumented).isEmpty();
        assertThat(docs.get("components").get("securitySchemes").get("bearer").get("scheme").asString()).isEqualTo("bearer");
        assertThat(docs.get("paths").get("/health").get("get").has("security")).as("health stays open").isFalse();
    }
}
