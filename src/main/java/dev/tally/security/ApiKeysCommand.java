package dev.tally.security;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code java -jar tally.jar keys create|list|revoke}: manages API keys in the job store named by
 * the same {@code spring.datasource.*} settings as the service (command-line options or the
 * environment). The embedded store can only be opened while the service is stopped.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list, revoke Tally API keys and change their role.",
        subcommands = {ApiKeysCommand.Create.class, ApiKeysCommand.ListKeys.class, ApiKeysCommand.Revoke.class,
                ApiKeysCommand.ChangeRole.class})
public final class ApiKeysCommand {

    /** Must equal spring.datasource.url in application.yml (checked by a test). */
    static final String DEFAULT_URL = "jdbc:h2:file:./data/tally;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=128;DEFRAG_ALWAYS=TRUE";

    // Inherited: accepted before the subcommand or after it (keys create --name ci --spring.datasource.url=...).
    @Option(names = "--spring.datasource.url", scope = ScopeType.INHERIT,
            description = "job store JDBC URL (default: the embedded store under ./data)")
    String url;

    @Option(names = "--spring.datasource.username", scope = ScopeType.INHERIT)
    String username;

    @Option(names = "--spring.datasource.password", scope = ScopeType.INHERIT)
    String password;

    /** Runs the command line; returns the process exit code. */
    public static int run(String[] args) {
        return commandLine().execute(args);
    }

    /** The command, taking {@code --role operator} as the help spells it. */
    static CommandLine commandLine() {
        return new CommandLine(new ApiKeysCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    ApiKeyStore store() {
        Map<String, String> env = System.getenv();
        String jdbcUrl = url != null ? url : env.getOrDefault("SPRING_DATASOURCE_URL", DEFAULT_URL);
        String user = username != null ? username : env.getOrDefault("SPRING_DATASOURCE_USERNAME", jdbcUrl.startsWith("jdbc:h2:") ? "sa" : "");
        String pass = password != null ? password : env.getOrDefault("SPRING_DATASOURCE_PASSWORD", "");
        var dataSource = new DriverManagerDataSource(jdbcUrl, user, pass);
        Flyway.configure().dataSource(dataSource).load().migrate();
        // The host's clock: an operator's command runs once, without the service's alignment to the store.
        return new ApiKeyStore(JdbcClient.create(dataSource), Clock.systemUTC());
    }

    @Command(name = "create", description = "Create a key and print its secret (shown only this once).")
    static final class Create implements Callable<Integer> {
        @CommandLine.ParentCommand
        ApiKeysCommand parent;

        @Option(names = "--name", required = true, description = "who the key is for")
        String name;

        @Option(names = "--rate-limit", description = "requests per minute for this key (default: tally.rate-limit.requests-per-minute)")
        Integer rateLimit;

        @Option(names = "--role", defaultValue = "client", description = "client (the API, its own jobs) or operator"
                + " (that, and the actuator's metrics and SBOM, which cover every client); default: ${DEFAULT-VALUE}")
        ApiKeyStore.Role role;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (rateLimit != null && rateLimit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--rate-limit must be at least 1 request per minute");
            }
            var created = parent.store().create(name, rateLimit, role);
            PrintWriter out = spec.commandLine().getOut();
            out.println("id:     " + created.info().id());
            out.println("name:   " + created.info().name());
            out.println("role:   " + created.info().role().column());
            out.println("key:    " + created.secret());
            out.println("Store the key now: only its hash is kept. Use it as: Authorization: Bearer <key>");
            return 0;
        }
    }

    @Command(name = "list", description = "List keys with their last use (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @CommandLine.ParentCommand
        ApiKeysCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-36s  %-20s  %-12s  %-8s  %-10s  %-24s  %-24s  %s%n", "ID", "NAME", "PREFIX", "ROLE", "LIMIT/MIN",
                    "CREATED", "LAST USED", "REVOKED");
            for (var key : parent.store().list()) {
                out.printf("%-36s  %-20s  %-12s  %-8s  %-10s  %-24s  %-24s  %s%n", key.id(), key.name(), key.prefix(),
                        key.role().column(),
                        key.rateLimitPerMinute() == null ? "default" : key.rateLimitPerMinute(), key.createdAt(),
                        key.lastUsedAt() == null ? "never" : key.lastUsedAt(),
                        key.revokedAt() == null ? "" : key.revokedAt());
            }
            return 0;
        }
    }

    /** How a key given on the command line is printed back: a key given whole by its prefix, never its secret. */
    static String shown(String key) {
        return ApiKeyStore.isSecret(key) ? key.substring(0, ApiKeyStore.PREFIX_LENGTH) : key;
    }

    @Command(name = "role", description = "Change a key's role (client or operator) by id, prefix or the key itself"
            + " (takes effect within 30 s on every node).")
    static final class ChangeRole implements Callable<Integer> {
        @CommandLine.ParentCommand
        ApiKeysCommand parent;

        @Parameters(index = "0", paramLabel = "ID_OR_PREFIX_OR_KEY")
        String key;

        @Parameters(index = "1", paramLabel = "ROLE", description = "client or operator")
        ApiKeyStore.Role role;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            boolean changed = parent.store().changeRole(key, role);
            String named = shown(key);
            spec.commandLine().getOut().println(changed ? named + " is now " + role.column()
                    : "no live key " + named);
            return changed ? 0 : 1;
        }
    }

    @Command(name = "revoke", description = "Revoke a key by id, prefix or the key itself (takes effect within 30 s on every node).")
    static final class Revoke implements Callable<Integer> {
        @CommandLine.ParentCommand
        ApiKeysCommand parent;

        @Parameters(paramLabel = "ID_OR_PREFIX_OR_KEY")
        String key;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            boolean revoked = parent.store().revoke(key);
            String named = shown(key);
            spec.commandLine().getOut().println(revoked ? "revoked " + named : "no live key " + named);
            return revoked ? 0 : 1;
        }
    }
}
