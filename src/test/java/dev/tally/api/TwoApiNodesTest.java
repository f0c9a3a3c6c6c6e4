package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import dev.tally.support.TestSite;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two API nodes on one PostgreSQL (and RabbitMQ), as behind a load balancer: an idempotency key
 * used on node A is honoured on node B, a long-poll parked on node A is woken by a change made
 * through node B, and a finished job that node A has in memory is gone there once node B deletes it.
 */
class TwoApiNodesTest {

    @TempDir
    Path workDir;

    TestSite site = TestSite.get();

    @Test
    void idempotencyLongPollAndDeletionHoldAcrossNodes() throws Exception {
        String schema = Infrastructure.uniqueName("twonodes");
        String prefix = Infrastructure.uniqueName("tally-twonodes");
        List<String> args = new ArrayList<>(Infrastructure.distributedArgs(schema, prefix));
        args.add("--tally.fetch.allow-private-networks=true");
        site.slowHtml("/twonodes/slow.html", 4000, "<p>slow page</p>");
        try (TallyProcess a = TallyProcess.start(workDir, Infrastructure.withRoles(args, "api"));
             TallyProcess b = TallyProcess.start(workDir, Infrastructure.withRoles(args, "api,worker"))) {
            Api nodeA = a.api();
            Api nodeB = b.api();

            String key = "cross-node-" + System.nanoTime();
            Api.Response first = submit(nodeA, key, "{\"text\":\"one job for two nodes\"}");
            Api.Response replay = submit(nodeB, key, "{\"text\":\"one job for two nodes\"}");
            assertThat(first.status()).isEqualTo(202);
            assertThat(replay.status()).isEqualTo(202);
            assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(replay.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
            assertThat(submit(nodeB, key, "{\"text\":\"something else\"}").status()).isEqualTo(422);

            String id = nodeA.submitUrl(site.url("/twonodes/slow.html"));
            nodeA.awaitJob(id, j -> j.get("status").asString().equals("RUNNING"), Duration.ofSeconds(20));
            String etag = nodeA.get("/api/v1/jobs/" + id).header("ETag");
            CompletableFuture<Api.Response> parked = CompletableFuture.supplyAsync(
                    () -> nodeA.get("/api/v1/jobs/" + id + "?waitSeconds=30", "If-None-Match", etag));
            awaitParkedOn(nodeA);
            assertThat(parked).isNotDone();

            long start = System.nanoTime();
            assertThat(nodeB.post("/api/v1/jobs/" + id + "/cancel", "application/json", "").status()).isEqualTo(200);
            Api.Response woken = parked.get(10, java.util.concurrent.TimeUnit.SECONDS);
            Duration latency = Duration.ofNanos(System.nanoTime() - start);

            assertThat(woken.status()).isEqualTo(200);
            assertThat(woken.json().get("status").asString()).isEqualTo("CANCELLED");
            assertThat(latency).isLessThan(Duration.ofSeconds(2));

            // Node A now serves the finished job from memory; node B's deletion must reach it.
            assertThat(nodeA.get("/api/v1/jobs/" + id).status()).isEqualTo(200);
            assertThat(nodeA.get("/api/v1/jobs/" + id).status()).isEqualTo(200);
            assertThat(nodeB.delete("/api/v1/jobs/" + id).status()).isEqualTo(204);
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            int status;
            do {
                status = nodeA.get("/api/v1/jobs/" + id).status();
            } while (status != 404 && System.nanoTime() < deadline && sleep(20));
            assertThat(status).as("node A answers 404 within 2 s of the deletion on node B").isEqualTo(404);
        } finally {
            Infrastructure.dropSchema(schema);
            Infrastructure.deleteRabbitNames(prefix);
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the node reports one parked observer (gauge tally.api.parked), i.e. the long poll is waiting. */
    private static void awaitParkedOn(Api node) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!node.get("/actuator/prometheus").body().contains("tally_api_parked 1.0")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the long poll never parked on the node");
            }
            sleep(20);
        }
    }

    private static Api.Response submit(Api api, String key, String body) {
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
