package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.MetricsDocs;
import dev.tally.support.TallyIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Health, metrics and API docs of contract section 4. */
@TallyIntegrationTest
class OperationsEndpointsTest {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(port);
    }

    @Test
    void reportsHealthLivenessAndReadiness() {
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
            Api.Response response = api.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.json().get("status").asString()).as(path).isEqualTo("UP");
        }
    }

    @Test
    void exposesPrometheusMetrics() {
        Api.Response response = api.get("/actuator/prometheus");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("jvm_memory_used_bytes").contains("tally_api_parked");
    }

    @Test
    void servesOnlyTallyMetersThatTheOperatorsDocsDescribe() {
        api.postJson("/api/v1/jobs", "{\"text\":\"a job so that the job meters exist\"}");

        MetricsDocs.assertEveryTallyMeterDocumented(api.get("/actuator/prometheus").body());
    }

    @Test
    void timesRequestsWithoutALongTaskTimerPerRequest() {
        api.get("/api/v1/jobs/01a23e8c-a503-729d-a0be-67b1f55b9e52");

        String metrics = api.get("/actuator/prometheus").body();

        assertThat(metrics).contains("http_server_requests_seconds_count{")
                .doesNotContain("http_server_requests_active");
    }

    @Test
    void exposesTheRoomTakenByLargeBodiesPagesAndTexts() {
        Api.Response response = api.get("/actuator/prometheus");

        assertThat(response.body()).contains("tally_api_large_bodies_reserved_bytes")
                .contains("tally_fetch_large_pages_reserved_bytes");
    }

    @Test
    void exposesTheBacklogAndTheSizesOfFetchedPages() {
        String metrics = api.get("/actuator/prometheus").body();

        assertThat(metrics).containsPattern("(?m)^tally_jobs_unfinished [0-9.E]+$")
                .contains("tally_fetch_page_size_bytes_count");
    }

    @Test
    void describesTheApiInOpenApi() {
        Api.Response response = api.get("/v3/api-docs");
        assertThat(response.status()).isEqualTo(200);
        JsonNode paths = response.json().get("paths");
        assertThat(paths.has("/api/v1/jobs")).isTrue();
        assertThat(paths.has("/api/v1/jobs/{id}")).isTrue();
        assertThat(paths.has("/api/v1/jobs/{id}/words")).isTrue();
        assertThat(paths.has("/api/v1/jobs/{id}/cancel")).isTrue();
        assertThat(paths.has("/word-count")).isTrue();
    }

    @Test
    void servesSwaggerUi() {
        Api.Response response = api.get("/swagger-ui/index.html");
        assertThat(response.status()).isEqualTo(200);
    }
}
