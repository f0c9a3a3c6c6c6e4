package dev.tally.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Completes the generated OpenAPI description with what annotations on every method would repeat:
 * the problem+json responses, the protocol headers and the answer codes of each operation.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final String REQUEST_ID = "X-Request-Id";
    private static final String BEARER = "bearer";
    private static final String COMPAT = "/word-count";
    private static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenAPI tallyOpenApi() {
        return new OpenAPI().info(new Info().title("Tally").version("v1")
                        .description("Asynchronous word-frequency service. Contract: api-contract.md; errors are RFC 9457 problem+json."))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("an API key (tally.auth.mode=api-key) or a JWT (jwt); with tally.auth.mode=none,"
                                + " the embedded default, no credential is needed")));
    }

    @Bean
    OpenApiCustomizer tallyProblemResponses() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().forEach((path, item) -> {
                if (path.startsWith("/api/")) {
                    item.readOperationsMap().forEach((method, operation) -> describe(path, method, operation));
                } else if (path.equals(COMPAT)) {
                    item.readOperationsMap().forEach((method, operation) -> describeCompatible(method, operation));
                }
            });
        };
    }

    private static void describe(String path, PathItem.HttpMethod method, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        problem(responses, "400", "invalid request (malformed JSON, unknown field, bad parameter)");
        if (method != PathItem.HttpMethod.DELETE) { // a 204 has no body to negotiate
            problem(responses, "406", "the Accept header names no type this operation answers");
        }
        problem(responses, "500", "unexpected error");
        boolean submit = path.equals("/api/v1/jobs") && method == PathItem.HttpMethod.POST;
        boolean waits = method == PathItem.HttpMethod.GET && (path.equals("/api/v1/jobs/{id}") || path.endsWith("/events"));
        problem(responses, "503", submit
                ? "the job store is unavailable, the service is at its limit of unfinished jobs, the embedded store"
                        + " has less room on its disk than tally.admission.min-free-disk, the node reads"
                        + " tally.api.max-body-reads bodies at once, or no room frees within 10 s for a body over"
                        + " 256 KiB (tally.api.large-body-heap-percent); see Retry-After"
                : waits ? "the job store is unavailable, or (a long-poll, an event stream) the node holds "
                        + "tally.api.max-parked open waits; see Retry-After"
                : "the job store is unavailable; see Retry-After");
        if (waits) {
            problem(responses, "429", "(a long-poll, an event stream) the client holds tally.api.max-parked-per-client "
                    + "open waits on this node, or its rate limit; see Retry-After");
        }
        if (path.contains("{id}")) {
            problem(responses, "404", "no such job (or a malformed id)");
        }
        if (submit) {
            operation.setSummary("Submit a job (url or text); 202 once durably stored");
            header(operation, new HeaderParameter().name("Idempotency-Key").required(false)
                    .description("1..255 printable ASCII characters; a repeat within 24 h returns the same job")
                    .schema(new StringSchema().maxLength(255)));
            ApiResponse accepted = responses.get("202") != null ? responses.get("202") : responses.get("200");
            if (accepted != null) {
                responses.remove("200");
                accepted.description("the job, QUEUED (or the first job, on an idempotent replay)")
                        .addHeaderObject("Location", new Header().description("/api/v1/jobs/{id}").schema(new StringSchema()))
                        .addHeaderObject("Idempotent-Replayed", new Header().description("true on a replay").schema(new StringSchema()));
                responses.addApiResponse("202", accepted);
            }
            problem(responses, "409", "a request with this Idempotency-Key is still in flight");
            problem(responses, "408", "the body did not all arrive within tally.api.body-read-timeout (60 s)");
            problem(responses, "413", "body larger than tally.api.max-body-size");
            problem(responses, "415", "Content-Type is not application/json");
            problem(responses, "422", "Idempotency-Key reused with a different body");
            problem(responses, "429", "rate limited, or the client has tally.api.max-body-reads-per-client bodies"
                    + " still arriving on this node; see Retry-After");
        }
        if (path.equals("/api/v1/jobs/{id}") && method == PathItem.HttpMethod.GET) {
            operation.setSummary("Get a job; conditional (ETag) and long-poll (waitSeconds)");
            header(operation, new HeaderParameter().name("If-None-Match").required(false)
                    .description("a previous ETag: 304 if unchanged; with waitSeconds, wait for a change")
                    .schema(new StringSchema()));
            responses.addApiResponse("304", new ApiResponse().description("not modified"));
        }
        if (path.endsWith("/words") && responses.get("200") != null) {
            // Two mappings serve the words, JSON and CSV; the generated description kept only the first.
            Content content = responses.get("200").getContent() == null ? new Content() : responses.get("200").getContent();
            content.addMediaType("text/csv", new MediaType().schema(new StringSchema()
                    .description("every word as word,count lines, the header line first")));
            responses.get("200").content(content);
        }
        if (path.endsWith("/cancel") || path.endsWith("/words")) {
            problem(responses, "409", path.endsWith("/cancel") ? "the job is already terminal" : "the job has not succeeded");
        }
        if (path.equals("/api/v1/jobs/{id}") && method == PathItem.HttpMethod.DELETE) {
            operation.setSummary("Delete a job and its result");
            responses.remove("200");
            responses.addApiResponse("204", new ApiResponse().description("deleted"));
        }
        refusedBeforeReading(operation);
        requestId(operation);
    }

    /**
     * The compatible API answers its own refusals in the original's envelope (its annotations);
     * what the service refuses before the controller reads the request is problem+json, as on
     * every other path.
     */
    private static void describeCompatible(PathItem.HttpMethod method, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        // The envelope is JSON, whatever the client accepts (springdoc lists it under */*).
        responses.values().forEach(answer -> {
            if (answer.getContent() != null && answer.getContent().containsKey("*/*")) {
                answer.getContent().addMediaType("application/json", answer.getContent().remove("*/*"));
            }
        });
        // Both read a JSON body (the GET's job_id may come in one).
        problem(responses, "408", "the body did not all arrive within tally.api.body-read-timeout (60 s)");
        problem(responses, "413", "body larger than tally.api.max-body-size");
        alsoProblem(responses, "400", "a body that is not valid UTF-8");
        if (method == PathItem.HttpMethod.POST) {
            problem(responses, "503", "the job store is unavailable, the service is at its limit of unfinished jobs,"
                    + " the embedded store has less room on its disk than tally.admission.min-free-disk, the node reads"
                    + " tally.api.max-body-reads bodies at once, or no room frees within 10 s for a body over 256 KiB"
                    + " (tally.api.large-body-heap-percent); see Retry-After");
        } else {
            alsoProblem(responses, "503", "the job store is unavailable, or (a job_id in a body) the node reads"
                    + " tally.api.max-body-reads bodies at once; see Retry-After");
        }
        problem(responses, "429", "rate limited, or the client has tally.api.max-body-reads-per-client bodies"
                + " being read on this node; see Retry-After");
        refusedBeforeReading(operation);
        requestId(operation);
    }

    /** Refusals of the filters in front of every API operation: credentials and the rate limit. */
    private static void refusedBeforeReading(Operation operation) {
        ApiResponses responses = operation.getResponses();
        problem(responses, "401", "no valid Bearer credential (tally.auth.mode api-key or jwt)");
        problem(responses, "429", "rate limited (tally.rate-limit, when enabled); see Retry-After");
        if (operation.getSecurity() == null) {
            // Either no credential (tally.auth.mode=none) or the bearer scheme: the mode is the deployment's.
            operation.addSecurityItem(new SecurityRequirement());
            operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
        }
    }

    /** Every operation takes and answers a request id (dev.tally.correlation's filter, before any of them). */
    private static void requestId(Operation operation) {
        header(operation, new HeaderParameter().name(REQUEST_ID).required(false)
                .description("an id for the logs: 1..64 letters, digits and . _ : @ / + = - (else one is made up);"
                        + " a job submitted keeps it for its workers' log lines")
                .schema(new StringSchema().maxLength(64)));
        operation.getResponses().values().forEach(response -> response.addHeaderObject(REQUEST_ID,
                new Header().description("the request's id: the one sent, or one made up").schema(new StringSchema())));
    }

    /**
     * Adds a header parameter in place of one of that name the generated description has already
     * (from a {@code @RequestHeader}): OpenAPI allows a name and location once per operation.
     */
    private static void header(Operation operation, Parameter header) {
        if (operation.getParameters() != null) {
            operation.getParameters().removeIf(existing -> "header".equals(existing.getIn())
                    && header.getName().equalsIgnoreCase(existing.getName()));
        }
        operation.addParametersItem(header);
    }

    private static void problem(ApiResponses responses, String code, String description) {
        if (responses.containsKey(code)) {
            return;
        }
        responses.addApiResponse(code, new ApiResponse().description(description)
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(problemSchema()))));
    }

    /** An answer the compatible API gives in its envelope, which the filters in front give as problem+json. */
    private static void alsoProblem(ApiResponses responses, String code, String when) {
        ApiResponse answer = responses.get(code);
        if (answer == null) {
            problem(responses, code, when);
        } else if (answer.getContent() == null || !answer.getContent().containsKey(PROBLEM_JSON)) {
            answer.description((answer.getDescription() == null ? "" : answer.getDescription() + "; ") + when
                    + ": problem+json");
            Content content = answer.getContent() == null ? new Content() : answer.getContent();
            answer.content(content.addMediaType(PROBLEM_JSON, new MediaType().schema(problemSchema())));
        }
    }

    private static ObjectSchema problemSchema() {
        return (ObjectSchema) new ObjectSchema()
                .addProperty("type", new StringSchema())
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema());
    }
}
