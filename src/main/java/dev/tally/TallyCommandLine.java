package dev.tally;

import dev.tally.client.JobsCommand;
import dev.tally.security.ApiKeysCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code java -jar tally.jar ARGS} runs when it is not the service: the {@code jobs} and
 * {@code keys} commands, the help and the version, and a refusal of an argument that is neither a
 * command nor an option. The service takes Spring Boot properties as options ({@code --name=value})
 * and ignores every other argument, so a mistyped command or a {@code --help} started it, on port
 * 8080 and with an embedded store under the current directory.
 */
final class TallyCommandLine {

    static final int USAGE_ERROR = 2;

    private TallyCommandLine() {
    }

    @Command(name = "java -jar tally.jar", mixinStandardHelpOptions = true,
            versionProvider = TallyCommandLine.Version.class,
            customSynopsis = {"java -jar tally.jar [--<property>=<value>...]",
                    "       java -jar tally.jar <command> [<arguments>...]",
                    "       java -jar tally.jar -h | -V"},
            description = {"Runs the Tally service: an asynchronous word-frequency service.",
                    "Its options are Spring Boot properties, such as --server.port=8081",
                    "or --spring.datasource.url=jdbc:postgresql://db/tally (or in the",
                    "environment: SERVER_PORT=8081); docs/configuration.md lists them all.",
                    "Given a command instead, runs that (<command> --help tells more)."},
            commandListHeading = "%nCommands:%n")
    static final class Root {
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TallyApplication.class.getPackage().getImplementationVersion();
            return new String[] {"Tally " + (version == null ? "(not built as a jar)" : version)};
        }
    }

    /**
     * Runs {@code args} if they name a command, ask for help or the version, or are not the
     * service's options.
     *
     * @return the exit status of what ran, or empty when {@code args} are the service's options
     */
    static OptionalInt run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return OptionalInt.empty();
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jobs":
                return OptionalInt.of(JobsCommand.run(rest));
            case "keys":
                return OptionalInt.of(ApiKeysCommand.run(rest));
            case "help":
                return OptionalInt.of(root().setOut(new PrintWriter(out, true)).execute("--help"));
            default:
                break;
        }
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version")) {
                return OptionalInt.of(root().setOut(new PrintWriter(out, true)).execute(arg));
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                String previous = i > 0 ? args[i - 1] : "";
                // Spring Boot reads "--server.port 8081" as an empty server.port and ignores 8081.
                String hint = previous.startsWith("--") && !previous.contains("=")
                        ? ": write " + previous + "=" + arg : "";
                err.println("tally: '" + arg + "' is neither a command nor a --<property>=<value> option" + hint);
                err.print(root().getUsageMessage());
                return OptionalInt.of(USAGE_ERROR);
            }
        }
        return OptionalInt.empty();
    }

    /** The usage lists the commands by their own descriptions; they are run by their own classes. */
    private static CommandLine root() {
        CommandLine root = new CommandLine(new Root());
        root.addSubcommand("jobs", described(JobsCommand.class));
        root.addSubcommand("keys", described(ApiKeysCommand.class));
        return root;
    }

    private static CommandSpec described(Class<?> command) {
        CommandSpec spec = CommandSpec.create();
        spec.usageMessage().description(command.getAnnotation(Command.class).description());
        return spec;
    }
}
