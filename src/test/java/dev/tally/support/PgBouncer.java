package dev.tally.support;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real PgBouncer (Debian's package {@code pgbouncer}; {@code TALLY_TEST_PGBOUNCER} names the
 * program elsewhere) in transaction pooling mode in front of the tests' PostgreSQL database, on a
 * loopback port of its own, as many hosted PostgreSQL services put one in front of theirs.
 */
public final class PgBouncer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String database;
    private final Path dir;

    private PgBouncer(Process process, int port, String database, Path dir) {
        this.process = process;
        this.port = port;
        this.database = database;
        this.dir = dir;
    }

    /** Starts one in front of the tests' PostgreSQL and waits until it accepts connections. */
    public static PgBouncer transactionPooling() throws IOException, InterruptedException {
        URI postgres = URI.create(Infrastructure.postgresUrl().substring("jdbc:".length()));
        String database = postgres.getPath().substring(1);
        int port = TallyProcess.freePort();
        // Readable by the user it runs as: PgBouncer refuses to run as root and is told to switch.
        Path dir = Files.createTempDirectory("pgbouncer", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path config = dir.resolve("pgbouncer.ini");
        Files.writeString(config, """
                [databases]
                %s = host=%s port=%d dbname=%s user=%s
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = any
                pool_mode = transaction
                default_pool_size = 8
                max_client_conn = 200
                ignore_startup_parameters = extra_float_digits,options
                """.formatted(database, postgres.getHost(), postgres.getPort() < 0 ? 5432 : postgres.getPort(), database,
                Infrastructure.postgresUser(), port));
        List<String> command = new ArrayList<>(List.of(System.getenv().getOrDefault("TALLY_TEST_PGBOUNCER", "/usr/sbin/pgbouncer")));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "postgres"));
        }
        command.add(config.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pgbouncer.log").toFile()).start();
        var bouncer = new PgBouncer(process, port, database, dir);
        bouncer.awaitListening(Duration.ofSeconds(10));
        return bouncer;
    }

    /** A JDBC URL through this PgBouncer, with pgjdbc's named prepared statements off, as PgBouncer before 1.21 needs. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0";
    }

    /** A JDBC URL through this PgBouncer with {@code currentSchema}. */
    public String url(String schema) {
        return url() + "&currentSchema=" + schema;
    }

    private void awaitListening(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgbouncer exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("pgbouncer.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("pgbouncer did not listen within " + timeout + ": " + Files.readString(dir.resolve("pgbouncer.log")));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
