package dev.tally.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A client that drives a running Tally over real HTTP, as an API user would. */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response with its body parsed as JSON when it is JSON. */
    public record Response(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response postJson(String path, String json) {
        return post(path, "application/json", json);
    }

    /** A JSON POST with {@code headers} as name, value, name, value... */
    public Response postJson(String path, String json, String... headers) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response get(String path, String... headers) {
        var builder = HttpRequest.newBuilder(uri(path)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Response send(HttpRequest.Builder request) {
        return send(request, Duration.ofSeconds(30));
    }

    /** Sends the request; an answer that takes longer than {@code timeout} fails the call. */
    public Response send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> response = http.send(request.timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    /** Submits a URL job and returns its id. */
    public String submitUrl(String url) {
        Response response = postJson("/api/v1/jobs", "{\"url\":\"" + url + "\"}");
        if (response.status() != 202) {
            throw new AssertionError("submit answered " + response.status() + ": " + response.body());
        }
        return response.json().get("id").asString();
    }

    /** Polls the job until {@code done} holds (or the timeout passes) and returns it. */
    public JsonNode awaitJob(String id, Predicate<JsonNode> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode job = null;
        while (Instant.now().isBefore(deadline)) {
            Response response = get("/api/v1/jobs/" + id);
            if (response.status() == 200) {
                job = response.json();
                if (done.test(job)) {
                    return job;
                }
            }
            sleep(50);
        }
        throw new AssertionError("job " + id + " did not reach the expected state in " + timeout + "; last: " + job);
    }

    /** Polls the readiness endpoint until it answers 200 (after an outage ended), at most 30 s. */
    public void awaitReady() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (get("/actuator/health/readiness").status() != 200) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("readiness not back within 30 s");
            }
            sleep(50);
        }
    }

    /** Polls until the job is in a terminal state. */
    public JsonNode awaitTerminal(String id) {
        return awaitJob(id, j -> switch (j.get("status").asString()) {
            case "SUCCEEDED", "FAILED", "CANCELLED" -> true;
            default -> false;
        }, Duration.ofSeconds(30));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
