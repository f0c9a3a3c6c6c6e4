package dev.tally.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Tally as a separate operating-system process (the test's own classpath), so tests can kill it
 * with SIGKILL and start it again on the same data directory.
 */
public final class TallyProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private TallyProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Tally with {@code args} and waits until it is ready. */
    public static TallyProcess start(Path workDir, List<String> args) throws IOException, InterruptedException {
        return start(workDir, args.toArray(String[]::new));
    }

    /** Starts Tally with {@code args} and waits until it is ready. */
    public static TallyProcess start(Path workDir, String... args) throws IOException, InterruptedException {
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.tally.TallyApplication", "--server.port=" + port));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(workDir, "tally-", ".log");
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        var started = new TallyProcess(process, port, log);
        try {
            started.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException | InterruptedException e) {
            process.destroyForcibly(); // never handed to the caller, so nothing else would stop it
            throw e;
        }
        return started;
    }

    public int port() {
        return port;
    }

    public Api api() {
        return new Api(port);
    }

    /** SIGTERM: a graceful shutdown. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** SIGKILL: no shutdown hooks, no flushing, nothing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Tally exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Tally did not become ready in " + timeout + ":\n" + logTail());
    }

    /** A loopback port nothing listens on now. */
    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
