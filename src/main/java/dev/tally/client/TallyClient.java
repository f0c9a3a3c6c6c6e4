package dev.tally.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The jobs API over HTTP, as the command line uses it. Every call has a timeout; an answer that is
 * not what the API promises becomes an {@link ApiException} carrying the problem's detail.
 */
final class TallyClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI server;
    private final String apiKey;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final AtomicLong requests = new AtomicLong();

    TallyClient(URI server, String apiKey) {
        this.server = server;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A page of the client's jobs, newest first. */
    record Page(List<JobView> items, String next) {
    }

    /**
     * Submits a page or a text. The idempotency key makes a repeat of the same submission (after
     * a lost answer) return the job the first one made, instead of making another.
     */
    JobView submit(String field, String value, String callbackUrl, String idempotencyKey) throws ApiException {
        ObjectNode body = json.createObjectNode().put(field, value);
        if (callbackUrl != null) {
            body.put("callbackUrl", callbackUrl);
        }
        HttpRequest request = request("api/v1/jobs").header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 202) {
            throw refusal(response);
        }
        return job(response.statusCode(), parse(response));
    }

    /** @return the job, or empty if there is no such job (never made, or deleted) */
    Optional<JobView> job(UUID id) throws ApiException {
        HttpResponse<String> response = send(request("api/v1/jobs/" + id).GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw refusal(response);
        }
        return Optional.of(job(response.statusCode(), parse(response)));
    }

    /**
     * Copies a succeeded job's whole histogram, as the API's CSV ({@code word,count}, most frequent
     * first), to {@code sink} as it arrives.
     *
     * @return false if there is no such job
     * @throws ApiException also when the job has not succeeded (the API's 409)
     */
    boolean words(UUID id, OutputStream sink) throws ApiException {
        HttpRequest request = request("api/v1/jobs/" + id + "/words").setHeader("Accept", "text/csv").GET().build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                return false;
            }
            if (response.statusCode() != 200) {
                throw refusal(response.statusCode(), response.headers(),
                        new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            }
            body.transferTo(sink);
            return true;
        } catch (IOException e) {
            throw new ApiException("the connection to " + server + " failed: " + e.getMessage(), true);
        }
    }

    /** One page of the client's jobs, newest first, from {@code cursor} (null: the newest). */
    Page jobs(String cursor) throws ApiException {
        String path = cursor != null ? cursor : "api/v1/jobs?limit=200";
        HttpResponse<String> response = send(request(path).GET().build());
        if (response.statusCode() != 200) {
            throw refusal(response);
        }
        JsonNode page = parse(response);
        List<JobView> items = new ArrayList<>();
        for (JsonNode item : page.path("items")) {
            items.add(job(response.statusCode(), item));
        }
        String next = page.path("next").isString() ? page.path("next").asString() : null;
        return new Page(items, next);
    }

    private HttpRequest.Builder request(String pathOrUrl) {
        URI uri = pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")
                ? URI.create(pathOrUrl) : server.resolve(pathOrUrl);
        if (!uri.getRawAuthority().equals(server.getRawAuthority())) {
            // A next link is followed only to the server the user named (it carries the key).
            uri = server.resolve(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder;
    }

    /** How many requests this client sent. */
    long requests() {
        return requests.get();
    }

    private HttpResponse<String> send(HttpRequest request) throws ApiException {
        return send(request, CappedBody.handler());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws ApiException {
        requests.incrementAndGet();
        try {
            return http.send(request, body);
        } catch (ConnectException e) {
            throw new ApiException("cannot connect to " + server + " (is Tally running there?)", true);
        } catch (HttpTimeoutException e) {
            throw new ApiException("no answer from " + server + " within " + REQUEST_TIMEOUT.toSeconds() + " s", true);
        } catch (CappedBody.TooLargeException e) {
            throw new ApiException(server + " answered " + e.getMessage(), false);
        } catch (IOException e) {
            throw new ApiException("the connection to " + server + " failed: " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException("interrupted", false);
        }
    }

    /** A job of an answer; one without an id or with a time that is not one is not Tally's answer. */
    private static JobView job(int status, JsonNode job) throws ApiException {
        try {
            return JobView.of(job);
        } catch (IllegalArgumentException | DateTimeException e) {
            throw ApiException.notTheApi("the server answered " + status + " with a job that is not what the API promises ("
                    + e.getMessage() + ")", status);
        }
    }

    private JsonNode parse(HttpResponse<String> response) throws ApiException {
        try {
            return json.readTree(response.body());
        } catch (JacksonException e) {
            throw new ApiException("the server answered " + response.statusCode() + " with a body that is not JSON", false);
        }
    }

    private ApiException refusal(HttpResponse<String> response) {
        return refusal(response.statusCode(), response.headers(), response.body());
    }

    /**
     * The problem's detail (RFC 9457), or the status alone when the body says nothing; for a
     * server error also the request's id ({@code X-Request-Id}), by which its operators find it in
     * their logs.
     */
    private ApiException refusal(int status, HttpHeaders headers, String body) {
        String detail = null;
        try {
            JsonNode problem = json.readTree(body);
            detail = problem.path("detail").asString(problem.path("title").asString(null));
        } catch (JacksonException e) {
            // not a problem body: the status says it
        }
        boolean temporary = status == 429 || status == 502 || status == 503 || status == 504;
        Duration retryAfter = headers.firstValue("Retry-After").flatMap(TallyClient::seconds).orElse(null);
        String requestId = status >= 500 ? headers.firstValue("X-Request-Id").orElse(null) : null;
        return new ApiException("the server answered " + status + (detail == null ? "" : ": " + detail)
                + (requestId == null ? "" : " (request id " + requestId + ")"), temporary, retryAfter, status);
    }

    /** A {@code Retry-After} in seconds (Tally's form; an HTTP date is left unread), at most ten minutes. */
    private static Optional<Duration> seconds(String retryAfter) {
        try {
            long seconds = Long.parseLong(retryAfter.strip());
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(seconds, 600)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
