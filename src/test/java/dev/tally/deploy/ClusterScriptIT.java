package dev.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.Infrastructure;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code scripts/cluster}, as the deployment guide runs it: the packaged jar (so this runs after
 * {@code package}, as a failsafe integration test) as one API node and one worker node on
 * PostgreSQL and RabbitMQ behind the script's nginx. Guards what no unit test sees: the nodes'
 * command line (a setting the jar refuses, or a marker the settings check rejects, stops every
 * node the script starts), the readiness wait, the load balancer's configuration and the stop.
 */
class ClusterScriptIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path SCRIPT = ROOT.resolve("scripts/cluster");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    private final String database = Infrastructure.uniqueName("cluster_it");
    private final String prefix = Infrastructure.uniqueName("cluster-it");
    private final Path state = ROOT.resolve("target/cluster-it");

    @AfterEach
    void stopClusterAndRemoveItsNames() throws Exception {
        Result stop = run(Duration.ofSeconds(120), "stop");
        Infrastructure.postgresAdmin().sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)").update();
        Infrastructure.deleteRabbitNames(prefix);
        assertThat(stop.exitCode()).as("stop: %s", stop.output()).isZero();
    }

    @Test
    void startsNodesThatCountAJobThroughTheLoadBalancerAndStopsThem() throws Exception {
        assertThat(ROOT.resolve("target/tally.jar")).as("the packaged jar (run through ./mvnw verify)").exists();
        int[] ports = threeFreePorts();
        int port = ports[0];

        Result start = run(START_TIMEOUT, "start", "--api", "1", "--workers", "1", "--port", String.valueOf(port),
                "--api-port-base", String.valueOf(ports[1]), "--worker-port-base", String.valueOf(ports[2]));
        assertThat(start.exitCode()).as("start: %s", start.output()).isZero();
        assertThat(run(Duration.ofSeconds(30), "status").exitCode()).as("status of a ready cluster").isZero();

        Api api = new Api(port);
        Api.Response submitted = api.postJson("/api/v1/jobs", "{\"text\": \"the cluster counts the words a cluster is given\"}");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode job = api.awaitJob(submitted.json().get("id").asString(),
                j -> j.get("status").asString().equals("SUCCEEDED"), Duration.ofSeconds(60));
        assertThat(job.get("result").get("totalWords").asLong()).isEqualTo(9);
        assertThat(job.get("result").get("topWords").get(0).get("word").asString()).isEqualTo("cluster");

        Result stop = run(Duration.ofSeconds(120), "stop");
        assertThat(stop.exitCode()).as("stop: %s", stop.output()).isZero();
        assertThat(run(Duration.ofSeconds(30), "status").exitCode()).as("status after stop: not running").isEqualTo(3);
        assertThat(Files.readString(state.resolve("worker-1.log"))).contains("Graceful shutdown complete");
    }

    private record Result(int exitCode, String output) {
    }

    /** Three loopback ports nothing listens on now, all different (held open together while chosen). */
    private static int[] threeFreePorts() throws IOException {
        try (var a = new ServerSocket(0); var b = new ServerSocket(0); var c = new ServerSocket(0)) {
            return new int[] {a.getLocalPort(), b.getLocalPort(), c.getLocalPort()};
        }
    }

    private Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("cluster-script-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(Map.of(
                "TALLY_CLUSTER_DIR", state.toString(),
                "TALLY_CLUSTER_DB", database,
                "TALLY_RABBITMQ_PREFIX", prefix,
                "TALLY_CLUSTER_STOP_TIMEOUT", "30"));
        Process process = builder.start();
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        return new Result(ended ? process.exitValue() : -1, text);
    }
}
