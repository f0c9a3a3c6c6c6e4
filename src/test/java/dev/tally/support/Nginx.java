package dev.tally.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real nginx (Debian's package {@code nginx}; {@code TALLY_TEST_NGINX} names the program
 * elsewhere) load-balancing over Tally nodes on loopback with the project's own settings,
 * {@code deploy/nginx/tally-main.conf}, {@code tally-upstream.conf} and {@code tally-proxy.conf}, as {@code scripts/cluster}
 * and the compose file run it.
 */
public final class Nginx implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private Nginx(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts one in front of the nodes at {@code nodes} ({@code host:port}, loopback) and waits
     * until it accepts connections. nginx takes a node out after failures only when there are two
     * or more; {@code 127.0.0.1:P} and {@code 127.0.0.2:P} are two for one node listening on all
     * addresses.
     */
    public static Nginx inFrontOf(List<String> nodes) throws IOException, InterruptedException {
        Path deploy = Path.of("deploy/nginx").toAbsolutePath();
        int port = TallyProcess.freePort();
        Path dir = Files.createTempDirectory("nginx");
        String servers = nodes.stream()
                .map(node -> "        server " + node + " max_fails=3 fail_timeout=10s;")
                .collect(Collectors.joining("\n"));
        Path config = dir.resolve("nginx.conf");
        Files.writeString(config, """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                include %3$s/tally-main.conf;
                http {
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    access_log %1$s/access.log;
                    map $http_x_request_id $tally_request_id {
                        default $http_x_request_id;
                        ""      $request_id;
                    }
                    upstream tally_api {
                %2$s
                        include %3$s/tally-upstream.conf;
                    }
                    server {
                        listen 127.0.0.1:%4$d;
                        include %3$s/tally-proxy.conf;
                    }
                }
                """.formatted(dir, servers, deploy, port));
        String program = System.getenv().getOrDefault("TALLY_TEST_NGINX", "/usr/sbin/nginx");
        Process process = new ProcessBuilder(program, "-p", dir.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        var nginx = new Nginx(process, port, dir);
        nginx.awaitListening(Duration.ofSeconds(10));
        return nginx;
    }

    /** The port it listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    public Api api() {
        return new Api(port);
    }

    private void awaitListening(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + log());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nginx did not listen within " + timeout + ": " + log());
    }

    private String log() throws IOException {
        StringBuilder log = new StringBuilder();
        for (Path file : List.of(dir.resolve("nginx.out"), dir.resolve("error.log"))) {
            if (Files.exists(file)) {
                log.append(Files.readString(file));
            }
        }
        return log.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
