package dev.tally.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;

/** The check every hostile test ends with: an ordinary client still gets an ordinary answer. */
final class StillServing {

    private StillServing() {
    }

    static void assertStillServing(Api api) {
        Api.Response health = api.get("/actuator/health/liveness");
        assertThat(health.status()).as("liveness after the attack").isEqualTo(200);
        Api.Response submit = api.postJson("/api/v1/jobs", "{\"text\":\"still standing\"}");
        assertThat(submit.status()).as("a normal submit after the attack: %s", submit.body()).isEqualTo(202);
    }

    /** A 4xx RFC 9457 problem with the given status. */
    static void assertProblem(Api.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).as(response.body()).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("title").asString()).isNotBlank();
    }
}
