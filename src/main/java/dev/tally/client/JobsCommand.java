package dev.tally.client;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code java -jar tally.jar jobs submit|follow|show|words}: a command-line client of a Tally server's
 * jobs API. {@code submit} sends pages (or texts) and, with {@code --follow}, shows their
 * progress live until every one has finished; {@code follow} does that for jobs submitted before;
 * {@code show} prints one job and its top words, {@code words} a succeeded job's every word as
 * CSV. Following a thousand jobs costs a few requests a second (see {@link FollowedJobs}); the
 * terminal shows a frame of a few lines drawn again in place, a pipe one line per finished job
 * (see {@link Progress}).
 *
 * <p>Exit codes: 0 every job succeeded (or, without {@code --follow}, was accepted); 1 a job
 * failed, was cancelled or deleted; 2 the command line is wrong; 3 a submission was refused; 4 the
 * server could not be reached or refused the client (after two minutes of trying, for a server
 * that is down or busy); 5 {@code --timeout} passed first.
 */
@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Submit jobs to a Tally server and follow their progress.",
        subcommands = {JobsCommand.Submit.class, JobsCommand.Follow.class, JobsCommand.Show.class, JobsCommand.Words.class})
public final class JobsCommand {

    static final int FAILED_JOBS = 1;
    static final int REFUSED = 3;
    static final int UNREACHABLE = 4;
    static final int TIMED_OUT = 5;

    /** How long following goes on while the server cannot be reached or is busy. */
    static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);
    /** Submissions in flight at once. */
    static final int SUBMITTERS = 8;

    /** The longest wait between refreshes, or tries of a submission, while the server is out of reach or busy (unless it asks for longer). */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "the Tally server, with the path it is served under if any (default: $TALLY_SERVER, else http://localhost:8080)")
    String server;

    @Option(names = "--api-key", scope = ScopeType.INHERIT, paramLabel = "KEY",
            description = "API key, when the server asks for one (default: $TALLY_API_KEY)")
    String apiKey;

    private final InputStream in;
    /** Standard output as bytes, for what is copied through as the server sends it. */
    private final OutputStream stdout;
    private final Map<String, String> env;
    private final boolean terminal;

    JobsCommand(InputStream in, OutputStream stdout, Map<String, String> env, boolean terminal) {
        this.in = in;
        this.stdout = stdout;
        this.env = env;
        this.terminal = terminal;
    }

    /** Runs the command line on the process's streams; returns the process exit code. */
    public static int run(String[] args) {
        return run(args, System.in, System.out, System.err, System.getenv(), isTerminal(System.console()));
    }

    static int run(String[] args, InputStream in, OutputStream stdout, OutputStream stderr, Map<String, String> env,
                   boolean terminal) {
        var out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        var err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        return new CommandLine(new JobsCommand(in, stdout, env, terminal)).setOut(out).setErr(err)
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    // An option's value found wrong once the command runs (--server, --interval…).
                    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                        command.getErr().println("tally: " + e.getMessage());
                        return command.getCommandSpec().exitCodeOnInvalidInput();
                    }
                    throw e;
                }).execute(args);
    }

    /** Since JDK 22 a console exists also when the output is redirected; it says whether it is a terminal. */
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before JDK 22 there is a console only on a terminal
        }
    }

    TallyClient client() {
        String url = server != null ? server : env.getOrDefault("TALLY_SERVER", "http://localhost:8080");
        URI uri = URI.create(url.endsWith("/") ? url : url + "/");
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--server must be an http or https URL, not " + url);
        }
        return new TallyClient(uri, apiKey != null ? apiKey : env.get("TALLY_API_KEY"));
    }

    /** The arguments, with every {@code -} replaced by the lines of standard input (blank lines and {@code #} comments skipped). */
    List<String> expand(List<String> args) {
        List<String> values = new ArrayList<>();
        for (String arg : args) {
            if (!arg.equals("-")) {
                values.add(arg);
                continue;
            }
            try {
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(values::add);
            } catch (UncheckedIOException e) {
                throw new IllegalStateException("could not read standard input: " + e.getMessage());
            }
        }
        return values;
    }

    /** How following is shown and how long it goes on. */
    static final class FollowOptions {

        @Option(names = "--progress", paramLabel = "auto|frame|lines", defaultValue = "auto",
                description = "frame: a few lines drawn again in place; lines: one line per finished job;"
                        + " auto (default): frame on a terminal, else lines")
        String progress;

        @Option(names = "--interval", defaultValue = "PT1S", paramLabel = "DURATION",
                description = "time between refreshes, ISO-8601 (default: PT1S)")
        Duration interval;

        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "stop following after this long, ISO-8601 such as PT10M (default: until every job finished)")
        Duration timeout;
    }

    /** The display the options ask for; checks them all, so that a wrong one is told before anything is submitted. */
    Progress progress(FollowOptions options, PrintWriter out) {
        if (options.interval.isNegative() || options.interval.isZero()) {
            throw new IllegalArgumentException("--interval must be positive");
        }
        if (options.timeout != null && (options.timeout.isNegative() || options.timeout.isZero())) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        return switch (options.progress.toLowerCase(Locale.ROOT)) {
            case "frame" -> Progress.frame(out, columns());
            case "lines" -> Progress.lines(out);
            case "auto" -> terminal ? Progress.frame(out, columns()) : Progress.lines(out);
            default -> throw new IllegalArgumentException("--progress must be auto, frame or lines");
        };
    }

    /** The terminal's width as the shell tells it ({@code COLUMNS}), else 80. */
    private int columns() {
        try {
            return Integer.parseInt(env.getOrDefault("COLUMNS", "80").strip());
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /**
     * Follows the jobs until every one has finished, the timeout passes, or the server stays out of
     * reach; returns the exit code.
     */
    int follow(FollowedJobs jobs, FollowOptions options, TallyClient client, PrintWriter out, PrintWriter err) {
        Progress progress = progress(options, out);
        long started = System.nanoTime();
        Long troubleSince = null;
        Duration wait = options.interval;
        while (true) {
            FollowedJobs.Refresh refresh = jobs.refresh(client);
            ApiException e = refresh.trouble();
            String trouble = null;
            if (e == null) {
                troubleSince = null;
                wait = options.interval;
            } else {
                if (!e.temporary()) {
                    err.println("tally: " + e.getMessage());
                    return UNREACHABLE;
                }
                // Progress (a job changed) is not trouble: a rate limit lets some requests through.
                troubleSince = troubleSince == null || !refresh.changed().isEmpty() ? System.nanoTime() : troubleSince;
                if (System.nanoTime() - troubleSince > GIVE_UP_AFTER.toNanos()) {
                    err.println("tally: " + e.getMessage() + "; gave up after " + GIVE_UP_AFTER.toMinutes() + " minutes");
                    return UNREACHABLE;
                }
                // Refreshes further apart while it lasts (a rate limit's bucket fills meanwhile), as the server asks.
                wait = max(doubled(wait), e.retryAfter().orElse(Duration.ZERO));
                trouble = e.getMessage() + "; trying again in " + wait.toSeconds() + " s";
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            progress.refreshed(jobs, refresh.changed(), elapsed, trouble);
            if (jobs.allFinished()) {
                progress.finished(jobs, elapsed);
                return jobs.all().stream().allMatch(j -> j.status().equals("SUCCEEDED")) ? 0 : FAILED_JOBS;
            }
            if (options.timeout != null && elapsed.compareTo(options.timeout) >= 0) {
                progress.finished(jobs, elapsed);
                err.println("tally: stopped following after " + options.timeout + "; the jobs go on on the server");
                return TIMED_OUT;
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return TIMED_OUT;
            }
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Twice the wait, up to {@link #MAX_WAIT}. */
    static Duration doubled(Duration wait) {
        Duration twice = wait.multipliedBy(2);
        return twice.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : twice;
    }

    /** A command of {@code jobs}: the server options are its parent's, the streams its command line's. */
    abstract static class Subcommand implements Callable<Integer> {

        @CommandLine.ParentCommand
        JobsCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submit pages (or, with --text, files of text) as jobs; print their ids, or follow them.")
    static final class Submit extends Subcommand {

        @Parameters(arity = "1..*", paramLabel = "SOURCE",
                description = "a page's URL, or with --text a file of text; - reads URLs (or, with --text, one text) from standard input")
        List<String> sources;

        @Option(names = "--text", description = "the sources are files whose text is counted")
        boolean text;

        @Option(names = "--callback-url", paramLabel = "URL", description = "a webhook called when each job finishes")
        String callbackUrl;

        @Option(names = {"-f", "--follow"}, description = "follow the jobs until every one has finished")
        boolean follow;

        @CommandLine.ArgGroup(exclusive = false)
        FollowOptions options = new FollowOptions();

        /** Whether the wait for a server out of reach was told already (once a run, not once a submission). */
        private final AtomicBoolean warned = new AtomicBoolean();
        /** Counted down when a submission gave up or the client was refused: the others are not sent (again). */
        private final CountDownLatch stopping = new CountDownLatch(1);

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            TallyClient client = parent.client();
            if (follow) {
                parent.progress(options, out);
            }
            FollowedJobs jobs = new FollowedJobs();
            boolean refused = false;
            List<String> values = text ? sources : parent.expand(sources);
            // A few submissions in flight (each waits for its group commit); results taken in the
            // sources' order, so printed ids line up with the input.
            ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS, runnable -> {
                Thread thread = new Thread(runnable, "tally-submit");
                thread.setDaemon(true);
                return thread;
            });
            try {
                List<Future<Optional<JobView>>> submitted = new ArrayList<>();
                for (String source : values) {
                    submitted.add(submitters.submit(() -> submit(client, source, err)));
                }
                SubmissionProgress shown = new SubmissionProgress(follow && parent.terminal, values.size(), err);
                ApiException stopped = null;
                for (Future<Optional<JobView>> future : submitted) {
                    Optional<JobView> job;
                    try {
                        job = future.get();
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof ApiException failure)) {
                            throw new IllegalStateException(e.getCause());
                        }
                        // The client refused, or out of reach for two minutes: the rest would only
                        // be refused alike, or wait as long, each. They are not sent (stopping), but
                        // those already accepted are still printed: a job whose id is lost is made
                        // again by the next run.
                        stopped = stopped == null ? failure : stopped;
                        continue;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return UNREACHABLE;
                    }
                    if (job.isEmpty()) {
                        refused = true;
                        continue;
                    }
                    jobs.follow(job.get());
                    shown.submitted(jobs.size());
                    if (!follow) {
                        out.println(job.get().id());
                    }
                }
                if (stopped != null) {
                    shown.clear();
                    if (follow) {
                        jobs.all().forEach(job -> out.println(job.id()));
                    }
                    err.println("tally: " + stopped.getMessage() + (stopped.stopsTheRun() ? "" : "; gave up after "
                            + GIVE_UP_AFTER.toMinutes() + " minutes") + ", with " + jobs.size() + " of " + values.size()
                            + " submitted");
                    out.flush();
                    return UNREACHABLE;
                }
                shown.clear();
            } finally {
                submitters.shutdownNow();
            }
            out.flush();
            if (!follow || jobs.size() == 0) {
                return refused ? REFUSED : 0;
            }
            int followed = parent.follow(jobs, options, client, out, err);
            return refused && followed == 0 ? REFUSED : followed;
        }

        private String readText(String source) throws IOException {
            return source.equals("-") ? new String(parent.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(source), StandardCharsets.UTF_8);
        }

        /**
         * One submission, tried again while the server is down, busy or rate limiting (waiting as it
         * asks, else 1, 2, 4… s up to {@link #MAX_WAIT}) for up to {@link #GIVE_UP_AFTER}.
         *
         * @return the job, or empty if it was refused or its file could not be read (the reason is written)
         * @throws ApiException the last failure, once the server was out of reach for too long
         */
        private Optional<JobView> submit(TallyClient client, String source, PrintWriter err) throws ApiException {
            String value;
            try {
                value = text ? readText(source) : source;
            } catch (NoSuchFileException e) {
                err.println("tally: cannot read " + source + ": no such file");
                return Optional.empty();
            } catch (IOException e) {
                err.println("tally: cannot read " + source + ": " + e.getMessage());
                return Optional.empty();
            }
            // One key for every try: a try whose answer was lost is not made twice.
            String key = UUID.randomUUID().toString();
            long firstFailure = 0;
            Duration wait = Duration.ofSeconds(1);
            while (stopping.getCount() > 0) {
                try {
                    return Optional.of(client.submit(text ? "text" : "url", value, callbackUrl, key));
                } catch (ApiException e) {
                    if (e.stopsTheRun()) {
                        stopping.countDown();
                        throw e; // every other source would fare alike
                    }
                    if (!e.temporary()) {
                        err.println("tally: refused " + (text ? "text " : "") + source + ": " + e.getMessage());
                        return Optional.empty();
                    }
                    if (firstFailure == 0) {
                        firstFailure = System.nanoTime();
                        if (!warned.getAndSet(true)) {
                            err.println("tally: " + e.getMessage() + "; trying again for up to "
                                    + GIVE_UP_AFTER.toMinutes() + " minutes");
                        }
                    } else if (System.nanoTime() - firstFailure > GIVE_UP_AFTER.toNanos()) {
                        stopping.countDown();
                        throw e;
                    }
                    try {
                        if (stopping.await(max(wait, e.retryAfter().orElse(Duration.ZERO)).toMillis(), TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return Optional.empty();
                    }
                    wait = doubled(wait);
                }
            }
            return Optional.empty(); // another submission stopped the run before this one was accepted
        }
    }

    /** "submitted N of M" on a terminal while a long list is submitted before following; nothing elsewhere. */
    static final class SubmissionProgress {

        private final boolean shown;
        private final int total;
        private final PrintWriter err;
        private long lastDrawn;

        SubmissionProgress(boolean shown, int total, PrintWriter err) {
            this.shown = shown;
            this.total = total;
            this.err = err;
        }

        void submitted(int count) {
            long now = System.nanoTime();
            if (shown && (now - lastDrawn > 100_000_000L || count == total)) {
                lastDrawn = now;
                err.print("\r\033[2Ksubmitted " + count + " of " + total);
                err.flush();
            }
        }

        void clear() {
            if (shown && lastDrawn != 0) {
                err.print("\r\033[2K");
                err.flush();
            }
        }
    }

    @Command(name = "follow", mixinStandardHelpOptions = true,
            description = "Follow jobs submitted before until every one has finished.")
    static final class Follow extends Subcommand {

        @Parameters(arity = "1..*", paramLabel = "ID", description = "job ids; - reads them from standard input, one a line")
        List<String> ids;

        @CommandLine.ArgGroup(exclusive = false)
        FollowOptions options = new FollowOptions();

        @Override
        public Integer call() {
            FollowedJobs jobs = new FollowedJobs();
            for (String id : parent.expand(ids)) {
                try {
                    jobs.follow(UUID.fromString(id));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "not a job id: " + id);
                }
            }
            return parent.follow(jobs, options, parent.client(), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    /** A command about one job, named by its id. */
    abstract static class OneJob extends Subcommand {

        @Parameters(paramLabel = "ID")
        UUID id;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a job: its state, and its top words once it succeeded.")
    static final class Show extends OneJob {

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<JobView> found;
            try {
                found = parent.client().job(id);
            } catch (ApiException e) {
                err.println("tally: " + e.getMessage());
                return UNREACHABLE;
            }
            if (found.isEmpty()) {
                err.println("tally: no job " + id);
                return FAILED_JOBS;
            }
            JobView job = found.get();
            out.println(Progress.line(job));
            out.printf(Locale.ROOT, "attempts: %d, created %s%n", job.attempts(), job.createdAt());
            long widest = job.topWords().stream().mapToLong(JobView.Word::count).max().orElse(1);
            for (JobView.Word word : job.topWords()) {
                out.printf(Locale.ROOT, "%10d  %-20s %s%n", word.count(), word.word(),
                        "#".repeat((int) Math.max(1, 30 * word.count() / widest)));
            }
            out.flush();
            return job.status().equals("SUCCEEDED") || !job.finished() ? 0 : FAILED_JOBS;
        }
    }

    @Command(name = "words", mixinStandardHelpOptions = true,
            description = "Print a succeeded job's every word and its count as CSV (word,count), most frequent first.")
    static final class Words extends OneJob {

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            // Straight from the response to standard output: a histogram can hold a million words.
            try {
                if (!parent.client().words(id, parent.stdout)) {
                    err.println("tally: no job " + id);
                    return FAILED_JOBS;
                }
                parent.stdout.flush();
                return 0;
            } catch (ApiException e) {
                err.println("tally: " + e.getMessage());
                return e.status() == 409 ? FAILED_JOBS : UNREACHABLE; // 409: the job has not succeeded
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
