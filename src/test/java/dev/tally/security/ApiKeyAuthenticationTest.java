package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.RawHttp;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With {@code tally.auth.mode=api-key}: Bearer API keys, jobs owned by their client, health open. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-auth;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=api-key"
})
class ApiKeyAuthenticationTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    Api api;
    String alice;
    String bob;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        alice = keys.create("alice", null).secret();
        bob = keys.create("bob", null).secret();
    }

    @Test
    void rejectsRequestsWithoutCredentialsWithAChallenge() {
        Api.Response response = api.postJson("/api/v1/jobs", "{\"text\":\"who am i\"}");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(401);
        assertThat(api.get("/api/v1/jobs").status()).isEqualTo(401);
        assertThat(api.get("/word-count?job_id=0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e").status()).isEqualTo(401);
    }

    /**
     * A client without credentials gets its 401 before its body is read: reading first let anyone
     * hold a request thread, and up to 10 MB of the large bodies' heap, for the body's read timeout.
     */
    @Test
    void refusesASubmissionWithoutCredentialsBeforeReadingItsBody() throws Exception {
        RawHttp.RawAnswer answer = RawHttp.send(port, """
                POST /api/v1/jobs HTTP/1.1\r
                Host: localhost\r
                Content-Type: application/json\r
                Content-Length: 5000000\r
                \r
                {"text":"the rest of these five megabytes never comes""");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.head()).containsIgnoringCase("WWW-Authenticate: Bearer");
    }

    @Test
    void rejectsAnUnknownKeyAsAnInvalidToken() {
        Api.Response response = api.get("/api/v1/jobs", "Authorization", "Bearer tly_not-a-real-key");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("invalid_token");
        assertThat(response.body()).doesNotContain("tly_not-a-real-key");
    }

    @Test
    void acceptsAValidKey() {
        Api.Response response = submit(alice, "{\"text\":\"hello with a key\"}");

        assertThat(response.status()).isEqualTo(202);
    }

    @Test
    void healthStaysOpenAndMetricsAreProtected() {
        assertThat(api.get("/health").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/prometheus").status()).isEqualTo(401);
    }

    /** Metrics count every client's requests and jobs: a client's key does not read them, an operator's does. */
    @Test
    void servesMetricsAndTheSbomOnlyToAnOperatorsKey() {
        String operator = keys.create("prometheus", null, ApiKeyStore.Role.OPERATOR).secret();

        for (String path : new String[] {"/actuator/prometheus", "/actuator/sbom", "/actuator", "/actuator/%70rometheus"}) {
            Api.Response refused = api.get(path, "Authorization", "Bearer " + alice);
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            assertThat(refused.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"tally.operator\"");
            assertThat(api.get(path, "Authorization", "Bearer " + operator).status()).as(path).isEqualTo(200);
        }
        assertThat(submit(operator, "{\"text\":\"an operator is a client too\"}").status()).isEqualTo(202);
    }

    /** A probe or an old client that sends a stale key with every request still gets its health. */
    @Test
    void healthStaysOpenToARequestWithAnUnknownKey() {
        for (String path : new String[] {"/health", "/actuator/health", "/actuator/health/readiness", "/actuator/info"}) {
            assertThat(api.get(path, "Authorization", "Bearer tly_revoked-long-ago").status()).as(path).isEqualTo(200);
        }
        assertThat(api.get("/actuator/prometheus", "Authorization", "Bearer tly_revoked-long-ago").status()).isEqualTo(401);
        assertThat(api.get("/%68ealth", "Authorization", "Bearer " + alice).status()).as("spelled otherwise").isEqualTo(200);
        assertThat(api.get("/actuator/%70rometheus").status()).as("a protected path spelled otherwise").isEqualTo(401);
    }

    @Test
    void apiDocsAndTheDashboardStayOpen() {
        assertThat(api.get("/v3/api-docs").status()).isEqualTo(200);
        assertThat(api.get("/swagger-ui/index.html").status()).isEqualTo(200);
        assertThat(api.get("/").status()).isEqualTo(200);
        assertThat(api.get("/dashboard/dashboard.js").status()).isEqualTo(200);
        assertThat(api.get("/dashboard/../api/v1/jobs").status()).as("no way around the API's chain").isIn(400, 401);
    }

    @Test
    void anotherClientGets404ForMyJob() {
        String id = submit(alice, "{\"text\":\"alice's private words\"}").json().get("id").asString();

        assertThat(get(alice, "/api/v1/jobs/" + id).status()).isEqualTo(200);
        assertThat(get(bob, "/api/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(get(bob, "/api/v1/jobs/" + id + "/words").status()).isEqualTo(404);
        assertThat(get(bob, "/api/v1/jobs").json().get("items").toString()).doesNotContain(id);
        assertThat(api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + id))
                .header("Authorization", "Bearer " + bob).DELETE()).status()).isEqualTo(404);
        assertThat(get(alice, "/api/v1/jobs/" + id).status()).isEqualTo(200);
    }

    @Test
    void idempotencyKeysArePerClient() {
        String key = "shared-key-" + System.nanoTime();
        Api.Response fromAlice = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Authorization", "Bearer " + alice).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"same\"}")));
        Api.Response fromBob = api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Authorization", "Bearer " + bob).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"same\"}")));

        assertThat(fromBob.header("Idempotent-Replayed")).isNull();
        assertThat(fromBob.json().get("id").asString()).isNotEqualTo(fromAlice.json().get("id").asString());
    }

    @Test
    void aRevokedKeyIsRefused() {
        var created = keys.create("short-lived", null);
        keys.revoke(created.info().id().toString());

        assertThat(get(created.secret(), "/api/v1/jobs").status()).isEqualTo(401);
    }

    @Test
    void storesOnlyAHashOfTheKey() {
        var created = keys.create("hashed", null);

        assertThat(keys.list()).anySatisfy(k -> {
            assertThat(k.id()).isEqualTo(created.info().id());
            assertThat(k.prefix()).isEqualTo(created.secret().substring(0, 12));
        });
        assertThat(keys.list().toString()).doesNotContain(created.secret());
    }

    private Api.Response submit(String key, String body) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Api.Response get(String key, String path) {
        return api.get(path, "Authorization", "Bearer " + key);
    }
}
