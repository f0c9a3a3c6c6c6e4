package dev.tally.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end throughput: submits N URL jobs for one page (served locally), each for a URL of its
 * own, and measures the time until every one of them has SUCCEEDED. Not a test: run by
 * scripts/bench-load; loopback only.
 *
 * <p>The submissions are made by wrk (bench/wrk/e2e.lua, 16 connections), the load generator of
 * every other phase, which costs the shared cores a tenth of what a Java client did (the JDK's
 * HttpClient took 0.19 ms of CPU per job, a tenth of the machine's); this class watches the jobs
 * with the list API until none is queued or running, then reads each job once, after the clock
 * stops, to check it SUCCEEDED and to take its latency from its own timestamps (createdAt to
 * finishedAt).
 *
 * <p>Unreported rounds run first for WARMUP_SECONDS (default 0), so that the service is measured
 * after its JIT has compiled the path.
 *
 * <p>Besides the rate, the round reports the CPU time spent per job by the whole machine (service,
 * client, page server, database and broker), by the client (this JVM and wrk) and, given
 * SERVER_PID, by the service (Linux /proc): figures that move far less than the rate when the
 * machine is noisy, so they are the ones to compare two versions by. It also reports the CPU time
 * per job of the PostgreSQL, RabbitMQ and nginx processes that worked during the round (by command
 * name), and, from the service's metrics, how many jobs its submission, claim and result
 * transactions held on average.
 *
 * <pre>usage: EndToEndBench BASE_URL PAGE_URL JOBS [WARMUP_SECONDS] [SERVER_PID]</pre>
 */
public final class EndToEndBench {

    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z]+)\"");
    private static final Pattern CREATED = Pattern.compile("\"createdAt\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern FINISHED = Pattern.compile("\"finishedAt\"\\s*:\\s*\"([^\"]+)\"");
    /** wrk's connections and threads for the submissions. */
    private static final int CONNECTIONS = 16;
    private static final int WRK_THREADS = 2;
    /**
     * How long wrk waits for an answer. Its default (2 s) is shorter than a submission can take
     * while the JIT is cold, and a request it gives up on is never answered (nor retried), so the
     * round would never see all its answers; a round whose answers stop coming fails after wrk's
     * whole run (-d).
     */
    private static final String WRK_TIMEOUT = "60s";
    private static final String WRK_DURATION = "300s";

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String page = args[1];
        int jobs = Integer.parseInt(args[2]);
        for (String url : List.of(base, page)) {
            if (!URI.create(url).getHost().matches("127\\.0\\.0\\.1|localhost")) {
                throw new IllegalArgumentException("loopback only: " + url);
            }
        }
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.length > 3 ? Long.parseLong(args[3]) : 0);
        long serverPid = args.length > 4 ? Long.parseLong(args[4]) : -1;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        while (System.nanoTime() < warmupEnd) {
            round(http, base, page, jobs, -1);
        }
        Round result = round(http, base, page, jobs, serverPid);
        System.out.println(result.line());
        System.exit(result.allSucceeded() ? 0 : 1);
    }

    private record Round(String line, boolean allSucceeded) {
    }

    /** The answers to one round's submissions: the accepted jobs' ids and how many were refused. */
    private record Submitted(List<String> ids, int errors) {
    }

    /** Submits {@code jobs} jobs and waits until none is queued or running. */
    private static Round round(HttpClient http, String base, String page, int jobs, long serverPid) throws Exception {
        Map<String, Double> batchesBefore = serverPid < 0 ? Map.of() : batchMetrics(http, base);
        long[] backendsBefore = backendCpuNanos();
        long clientCpuBefore = ownAndChildrenCpuNanos();
        long serverCpuBefore = cpuNanos(serverPid);
        long machineCpuBefore = machineCpuNanos();
        long start = System.nanoTime();
        Submitted submitted = submitWithWrk(base, page, jobs);
        double submittedSeconds = (System.nanoTime() - start) / 1e9;
        // Done when nothing of ours is queued or running any more.
        while (busy(http, base, "QUEUED") || busy(http, base, "RUNNING")) {
            Thread.sleep(20);
            if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                throw new IllegalStateException("end-to-end run did not finish in 10 minutes");
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double clientCpuMs = (ownAndChildrenCpuNanos() - clientCpuBefore) / 1e6;
        double serverCpuMs = (cpuNanos(serverPid) - serverCpuBefore) / 1e6;
        double machineCpuMs = (machineCpuNanos() - machineCpuBefore) / 1e6;
        long[] backendsAfter = backendCpuNanos();
        Map<String, Double> batchesAfter = serverPid < 0 ? Map.of() : batchMetrics(http, base);
        int succeeded = 0;
        long[] latencies = new long[submitted.ids().size()];
        for (String id : submitted.ids()) {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "?top=0"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            if ("SUCCEEDED".equals(field(STATUS, body))) {
                latencies[succeeded++] = Duration.between(Instant.parse(field(CREATED, body)),
                        Instant.parse(field(FINISHED, body))).toMillis();
            }
        }
        Arrays.sort(latencies, 0, succeeded);
        return new Round(String.format("end-to-end: %d jobs for %s: all submitted in %.1f s, all finished in %.1f s = %.0f jobs/s; "
                        + "job latency (createdAt to finishedAt) p50 %d ms, p99 %d ms, max %d ms; "
                        + "succeeded %d, failed or lost %d, submit errors %d; CPU per job: machine %.2f ms, client %.2f ms%s",
                jobs, page, submittedSeconds, elapsed, submitted.ids().size() / elapsed,
                percentile(latencies, succeeded, 50), percentile(latencies, succeeded, 99),
                succeeded == 0 ? 0 : latencies[succeeded - 1],
                succeeded, submitted.ids().size() - succeeded, submitted.errors(),
                machineCpuMs / jobs, clientCpuMs / jobs, serverPid < 0 ? "" : String.format(", service %.2f ms", serverCpuMs / jobs))
                + backends(backendsBefore, backendsAfter, jobs) + batches(batchesBefore, batchesAfter),
                succeeded == jobs);
    }

    /**
     * Runs wrk with bench/wrk/e2e.lua until it has answered every one of the {@code jobs}
     * submissions, then stops it (wrk runs for its whole duration otherwise).
     */
    private static Submitted submitWithWrk(String base, String page, int jobs) throws Exception {
        String scripts = System.getenv().getOrDefault("TALLY_WRK_DIR", "bench/wrk");
        ProcessBuilder builder = new ProcessBuilder("wrk", "-t" + WRK_THREADS, "-c" + CONNECTIONS, "-d" + WRK_DURATION,
                "--timeout", WRK_TIMEOUT, "-s", scripts + "/e2e.lua", base)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("TALLY_E2E_PAGE", page);
        builder.environment().put("TALLY_E2E_JOBS", Integer.toString(jobs));
        builder.environment().put("TALLY_E2E_THREADS", Integer.toString(WRK_THREADS));
        Process wrk = builder.start();
        List<String> ids = new ArrayList<>(jobs);
        int errors = 0;
        try (BufferedReader answers = new BufferedReader(new InputStreamReader(wrk.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (ids.size() + errors < jobs && (line = answers.readLine()) != null) {
                if (line.startsWith("ID ")) {
                    ids.add(line.substring(3));
                } else if (line.startsWith("ERROR ")) {
                    errors++;
                }
            }
        } finally {
            wrk.destroy();
            wrk.waitFor();
        }
        if (ids.size() + errors < jobs) {
            throw new IllegalStateException("wrk ended after " + (ids.size() + errors) + " of " + jobs + " answers");
        }
        return new Submitted(ids, errors);
    }

    private static String field(Pattern pattern, String json) {
        Matcher m = pattern.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** The {@code p}th percentile (nearest rank) of the first {@code n} sorted values, 0 if none. */
    private static long percentile(long[] sorted, int n, int p) {
        return n == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(p / 100.0 * n) - 1)];
    }

    /** User and system CPU time of this JVM and of the children it has waited for (wrk). */
    private static long ownAndChildrenCpuNanos() {
        try {
            String[] fields = statFields(ProcessHandle.current().pid());
            long ticks = 0;
            for (int i = 11; i <= 14; i++) { // utime, stime, cutime, cstime
                ticks += Long.parseLong(fields[i]);
            }
            return ticks * 10_000_000L;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The fields of /proc/PID/stat after the command name (which may hold spaces). */
    private static String[] statFields(long pid) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** User and system CPU time of a process so far (Linux /proc), or 0 when unknown. */
    private static long cpuNanos(long pid) {
        if (pid < 0) {
            return 0;
        }
        try {
            String[] fields = statFields(pid);
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Another process of the path whose CPU time a round reports: its command name and its label. */
    private record Backend(String command, String label) {
    }

    private static final List<Backend> BACKENDS = List.of(
            new Backend("postgres", "PostgreSQL"), new Backend("beam.smp", "RabbitMQ"), new Backend("nginx", "nginx"));

    /** CPU time so far of all processes of each of {@link #BACKENDS}, in their order (Linux /proc). */
    private static long[] backendCpuNanos() {
        long[] nanos = new long[BACKENDS.size()];
        ProcessHandle.allProcesses().forEach(process -> {
            try {
                String command = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + process.pid() + "/comm")).trim();
                for (int i = 0; i < BACKENDS.size(); i++) {
                    if (BACKENDS.get(i).command().equals(command)) {
                        nanos[i] += cpuNanos(process.pid());
                    }
                }
            } catch (java.io.IOException e) {
                // The process ended meanwhile: its time is lost to the count, as it would be anyway.
            }
        });
        return nanos;
    }

    /** ", PostgreSQL x ms, ..." for the backends that worked during the round (by processes alive at its end). */
    private static String backends(long[] before, long[] after, int jobs) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < BACKENDS.size(); i++) {
            long used = after[i] - before[i];
            if (used > 0) {
                line.append(String.format(", %s %.2f ms", BACKENDS.get(i).label(), used / 1e6 / jobs));
            }
        }
        return line.toString();
    }

    /** A group commit's batch-size summary in the service's metrics, and its label in the report. */
    private record BatchMetric(String label, String name) {
    }

    private static final List<BatchMetric> BATCH_METRICS = List.of(
            new BatchMetric("submissions", "tally_submit_batch_size"),
            new BatchMetric("relay passes", "tally_outbox_relay_batch_size"),
            new BatchMetric("claims", "tally_dispatch_claim_batch_size"),
            new BatchMetric("results", "tally_dispatch_result_batch_size"));

    /** The sums and counts of the batch-size summaries, from /actuator/prometheus (empty if unreadable). */
    private static Map<String, Double> batchMetrics(HttpClient http, String base) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Double> values = new java.util.HashMap<>();
            for (String line : body.split("\n")) {
                String[] parts = line.split(" ");
                if (parts.length == 2 && (parts[0].endsWith("_batch_size_sum") || parts[0].endsWith("_batch_size_count"))) {
                    values.put(parts[0], Double.parseDouble(parts[1]));
                }
            }
            return values;
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** "; jobs per transaction: submissions x, relay passes r, claims y, results z" over the round, or "" without metrics. */
    private static String batches(Map<String, Double> before, Map<String, Double> after) {
        StringBuilder line = new StringBuilder();
        for (BatchMetric metric : BATCH_METRICS) {
            String sum = metric.name() + "_sum";
            String count = metric.name() + "_count";
            if (before.containsKey(sum) && after.containsKey(sum)) {
                double transactions = after.get(count) - before.get(count);
                if (transactions > 0) {
                    line.append(line.isEmpty() ? "; jobs per transaction: " : ", ")
                            .append(String.format("%s %.1f", metric.label(), (after.get(sum) - before.get(sum)) / transactions));
                }
            }
        }
        return line.toString();
    }

    /** CPU time used by everything on the machine so far (Linux /proc/stat: all but idle and iowait), or 0. */
    private static long machineCpuNanos() {
        try {
            String[] fields = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user, nice, system, irq, softirq, steal
                ticks += Long.parseLong(fields[i]);
            }
            return ticks * 10_000_000L;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean busy(HttpClient http, String base, String status) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs?limit=1&status=" + status)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return !body.contains("\"items\":[]");
    }
}
