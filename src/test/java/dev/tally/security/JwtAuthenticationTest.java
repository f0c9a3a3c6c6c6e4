package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.support.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With {@code tally.auth.mode=jwt}: OAuth2 bearer tokens validated by Spring Security's resource server. An
 * API-only node: jobs stay queued.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-jwt;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=jwt",
        "tally.roles=api",
        "tally.api.event-stream-recheck=200ms"
})
class JwtAuthenticationTest {

    private static final KeyPair ISSUER = rsa();
    private static final KeyPair STRANGER = rsa();

    @DynamicPropertySource
    static void issuerKey(DynamicPropertyRegistry registry) throws IOException {
        Path pem = Files.createTempFile("tally-jwt", ".pub");
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ISSUER.getPublic().getEncoded());
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> "file:" + pem);
    }

    @LocalServerPort
    int port;

    @Test
    void acceptsAValidTokenAndScopesJobsToItsSubject() throws Exception {
        Api api = new Api(port);
        String carol = token(ISSUER, "carol", Instant.now().plusSeconds(300));
        String dave = token(ISSUER, "dave", Instant.now().plusSeconds(300));

        Api.Response accepted = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Authorization", "Bearer " + carol).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\":\"token words\"}")));
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asString();

        assertThat(api.get("/api/v1/jobs/" + id, "Authorization", "Bearer " + carol).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/jobs/" + id, "Authorization", "Bearer " + dave).status()).isEqualTo(404);
    }

    @Test
    void endsAnEventStreamWhenItsTokenExpires() throws Exception {
        Api api = new Api(port);
        String carol = token(ISSUER, "carol", Instant.now().plusSeconds(300));
        String id = api.send(java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                        .header("Authorization", "Bearer " + carol).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\":\"queued for nobody\"}")))
                .json().get("id").asString();
        String shortLived = token(ISSUER, "carol", Instant.now().plusSeconds(2));

        var stream = java.net.http.HttpClient.newHttpClient().sendAsync(
                java.net.http.HttpRequest.newBuilder(api.uri("/api/v1/jobs/" + id + "/events"))
                        .header("Authorization", "Bearer " + shortLived).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        var events = stream.get(15, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.body()).contains("\"status\":\"QUEUED\"");
    }

    /** The subject is the client: tokens without one all acted as one client, "jwt:null". */
    @Test
    void rejectsATokenWithoutASubject() throws Exception {
        Api api = new Api(port);
        var claims = new JWTClaimsSet.Builder().issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(ISSUER.getPrivate()));

        Api.Response response = api.get("/api/v1/jobs", "Authorization", "Bearer " + jwt.serialize());

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void servesMetricsOnlyToATokenWithTheOperatorScope() throws Exception {
        Api api = new Api(port);
        String client = token(ISSUER, "carol", Instant.now().plusSeconds(300), "jobs:write");
        String operator = token(ISSUER, "monitoring", Instant.now().plusSeconds(300), "openid tally.operator");

        Api.Response refused = api.get("/actuator/prometheus", "Authorization", "Bearer " + client);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"tally.operator\"");
        assertThat(refused.json().get("type").asString()).isEqualTo("urn:tally:problem:forbidden");
        assertThat(api.get("/actuator/prometheus", "Authorization", "Bearer " + operator).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/jobs", "Authorization", "Bearer " + client).status()).as("the API stays a client's").isEqualTo(200);
    }

    @Test
    void rejectsExpiredTokensAndTokensFromOtherIssuers() throws Exception {
        Api api = new Api(port);
        String expired = token(ISSUER, "carol", Instant.now().minusSeconds(600));
        String forged = token(STRANGER, "carol", Instant.now().plusSeconds(300));

        for (String token : new String[] {expired, forged, "not.a.jwt"}) {
            Api.Response response = api.get("/api/v1/jobs", "Authorization", "Bearer " + token);
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(api.get("/api/v1/jobs").status()).isEqualTo(401);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/readiness", "Authorization", "Bearer " + expired).status())
                .as("health with a stale token").isEqualTo(200);
        assertThat(api.get("/health", "Authorization", "Bearer not.a.jwt").status()).isEqualTo(200);
    }

    /**
     * OpenID Connect allows subjects of up to 255 characters; the client id made from one must still fit where
     * jobs, idempotency keys and rate-limit buckets keep it, and two long subjects must stay two clients.
     */
    @Test
    void servesSubjectsOfTheLongestLengthOpenIdConnectAllows() throws Exception {
        Api api = new Api(port);
        String frank = token(ISSUER, "f".repeat(254) + "1", Instant.now().plusSeconds(300));
        String grace = token(ISSUER, "f".repeat(254) + "2", Instant.now().plusSeconds(300));

        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"a long subject\"}",
                "Authorization", "Bearer " + frank, "Idempotency-Key", "long-subject-1");
        Api.Response other = api.postJson("/api/v1/jobs", "{\"text\":\"another long subject\"}",
                "Authorization", "Bearer " + grace, "Idempotency-Key", "long-subject-1");
        Api.Response replay = api.postJson("/api/v1/jobs", "{\"text\":\"a long subject\"}",
                "Authorization", "Bearer " + frank, "Idempotency-Key", "long-subject-1");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(other.status()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        assertThat(other.json().get("id").asString()).isNotEqualTo(id);
        assertThat(replay.json().get("id").asString()).isEqualTo(id);
        assertThat(api.get("/api/v1/jobs/" + id, "Authorization", "Bearer " + frank).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/jobs/" + id, "Authorization", "Bearer " + grace).status()).isEqualTo(404);
    }

    /** A subject that fits the owner column (160 with "jwt:") stays the client's id, with an Idempotency-Key too. */
    @Test
    void servesALongSubjectThatFitsWithAnIdempotencyKey() throws Exception {
        Api api = new Api(port);
        String heidi = token(ISSUER, "h".repeat(150), Instant.now().plusSeconds(300));

        Api.Response accepted = api.postJson("/api/v1/jobs", "{\"text\":\"a subject of 150 characters\"}",
                "Authorization", "Bearer " + heidi, "Idempotency-Key", "long-subject-2");

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    }

    /** A long-poll is answered in an async dispatch of its request, which must still act for the token's subject. */
    @Test
    void answersALongPollWithATokenAtItsDeadline() throws Exception {
        Api api = new Api(port);
        String erin = token(ISSUER, "erin", Instant.now().plusSeconds(300));
        String id = api.postJson("/api/v1/jobs", "{\"text\":\"queued on an API-only node\"}",
                "Authorization", "Bearer " + erin).json().get("id").asString();

        Api.Response answer = api.get("/api/v1/jobs/" + id + "?waitSeconds=1", "Authorization", "Bearer " + erin);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"status\":\"QUEUED\"");
    }

    private static String token(KeyPair keys, String subject, Instant expires) throws Exception {
        return token(keys, subject, expires, null);
    }

    private static String token(KeyPair keys, String subject, Instant expires, String scope) throws Exception {
        var claims = new JWTClaimsSet.Builder().subject(subject).issueTime(new Date())
                .expirationTime(Date.from(expires)).claim("scope", scope).build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(keys.getPrivate()));
        return jwt.serialize();
    }

    private static KeyPair rsa() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
