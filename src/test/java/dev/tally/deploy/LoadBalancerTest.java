package dev.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.Nginx;
import dev.tally.support.TallyProcess;
import dev.tally.support.TcpProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The load balancer Tally ships ({@code deploy/nginx}: what {@code scripts/cluster} and the
 * compose file run), a real nginx in front of an API node on PostgreSQL: what a client gets
 * through it when no node answers, when the store every node shares is down, and which request id
 * the node logs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class LoadBalancerTest {

    private static final String SCHEMA = Infrastructure.uniqueName("balancer");
    private static final TcpProxy POSTGRES = TcpProxy.inFrontOfPostgres();

    @DynamicPropertySource
    static void throughProxy(DynamicPropertyRegistry registry) {
        Infrastructure.registerPostgres(registry, POSTGRES.postgresUrl(SCHEMA), SCHEMA);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
        registry.add("tally.roles", () -> "api");
        // Every client of these tests comes from the balancer's address: one client to the node.
        registry.add("tally.api.max-parked-per-client", () -> "4096");
    }

    @BeforeAll
    static void removeTestNamesWhenStopped(ConfigurableApplicationContext application) {
        Infrastructure.removeWhenStopped(application, SCHEMA, null);
    }

    @AfterAll
    static void closeProxy() throws IOException {
        POSTGRES.close();
    }

    @LocalServerPort
    int port;

    Nginx nginx;

    @BeforeEach
    void startBalancer() throws Exception {
        // Two upstream entries for this one node: nginx takes a node out only when it has others.
        nginx = Nginx.inFrontOf(List.of("127.0.0.1:" + port, "127.0.0.2:" + port));
    }

    @AfterEach
    void stopBalancerAndRestoreStore() throws Exception {
        nginx.close();
        POSTGRES.restore();
        new Api(port).awaitReady();
    }

    @Test
    void answersProblemJson503WithRetryAfterWhenNoNodeAnswers() throws Exception {
        try (Nginx nobodyBehind = Nginx.inFrontOf(List.of("127.0.0.1:" + TallyProcess.freePort()))) {
            Api.Response read = nobodyBehind.api().get("/api/v1/jobs");
            Api.Response submit = nobodyBehind.api().postJson("/api/v1/jobs", "{\"text\":\"nobody to take it\"}");

            for (Api.Response answer : List.of(read, submit)) {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.header("Retry-After")).isEqualTo("5");
                assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
                assertThat(answer.json().get("detail").asString()).isEqualTo("No API node could answer. Retry later.");
            }
        }
    }

    @Test
    void passesTheNodesOwn503ThroughWhileTheStoreIsDownAndServesAgainAtOnce() throws Exception {
        Api balanced = nginx.api();
        String id = balanced.postJson("/api/v1/jobs", "{\"text\":\"read during an outage\"}").json().get("id").asString();
        POSTGRES.cut();

        for (int i = 0; i < 5; i++) {
            Api.Response duringOutage = balanced.get("/api/v1/jobs/" + id);
            assertThat(duringOutage.status()).isEqualTo(503);
            assertThat(duringOutage.json().get("type").asString()).as("the node's answer, not the balancer's")
                    .isEqualTo("urn:tally:problem:unavailable");
        }
        POSTGRES.restore();
        new Api(port).awaitReady();

        assertThat(balanced.get("/api/v1/jobs/" + id).status()).as("the node was not taken out of the balancer").isEqualTo(200);
    }

    /**
     * Each open wait holds two of the balancer's connections (the client's and the node's): with
     * nginx's default of 1,024 it passed ~480 and closed the connections of the rest unanswered.
     */
    @Test
    void holdsMoreOpenEventStreamsThanNginxsDefaultConnectionsAllow() throws Exception {
        String id = nginx.api().postJson("/api/v1/jobs", "{\"text\":\"followed by many\"}").json().get("id").asString();
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 1_200; i++) {
                Socket stream = new Socket("127.0.0.1", nginx.port());
                streams.add(stream);
                stream.setSoTimeout(10_000);
                stream.getOutputStream().write(("GET /api/v1/jobs/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n"
                        + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

                assertThat(statusLine(stream)).as("stream %d", i).startsWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket stream : streams) {
                stream.close();
            }
        }
    }

    private static String statusLine(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }

    @Test
    void givesTheNodeTheClientsRequestIdOrOneOfItsOwn() {
        Api balanced = nginx.api();

        assertThat(balanced.get("/api/v1/jobs", "X-Request-Id", "client-77").header("X-Request-Id")).isEqualTo("client-77");
        assertThat(balanced.get("/api/v1/jobs").header("X-Request-Id")).matches("[0-9a-f]{32}");
    }
}
