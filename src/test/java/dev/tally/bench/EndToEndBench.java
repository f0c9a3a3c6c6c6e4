package dev.tally.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end throughput: submits N URL jobs for one page (served locally) from 16 client threads
 * and measures the time until every one of them has SUCCEEDED. Not a test: run by
 * scripts/bench-load; loopback only.
 *
 * Unreported rounds run first for WARMUP_SECONDS (default 0), in this JVM, so that both the
 * service and this client are measured after their JIT has compiled the path.
 *
 * <p>Besides the rate, the round reports the CPU time spent per job by the whole machine (service,
 * client, page server, database and broker), by this client and, given SERVER_PID, by the
 * service (Linux /proc): figures that move far less than the rate when the machine is noisy, so
 * they are the ones to compare two versions by.
 *
 * <pre>usage: EndToEndBench BASE_URL PAGE_URL JOBS [WARMUP_SECONDS] [SERVER_PID]</pre>
 */
public final class EndToEndBench {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

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

    /** Submits {@code jobs} jobs and waits until none is queued or running. */
    private static Round round(HttpClient http, String base, String page, int jobs, long serverPid) throws Exception {
        long clientCpuBefore = cpuNanos(ProcessHandle.current().pid());
        long serverCpuBefore = cpuNanos(serverPid);
        long machineCpuBefore = machineCpuNanos();
        var ids = new ConcurrentLinkedQueue<String>();
        var failures = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        long start = System.nanoTime();
        var next = new AtomicInteger();
        for (int t = 0; t < 16; t++) {
            clients.execute(() -> {
                int i;
                while ((i = next.getAndIncrement()) < jobs) {
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + page + "?n=" + i + "\"}")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        Matcher m = ID.matcher(response.body());
                        if (response.statusCode() == 202 && m.find()) {
                            ids.add(m.group(1));
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            });
        }
        clients.shutdown();
        clients.awaitTermination(10, TimeUnit.MINUTES);
        double submitted = (System.nanoTime() - start) / 1e9;
        // Done when nothing of ours is queued or running any more.
        while (busy(http, base, "QUEUED") || busy(http, base, "RUNNING")) {
            Thread.sleep(20);
            if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                throw new IllegalStateException("end-to-end run did not finish in 10 minutes");
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double clientCpuMs = (cpuNanos(ProcessHandle.current().pid()) - clientCpuBefore) / 1e6;
        double serverCpuMs = (cpuNanos(serverPid) - serverCpuBefore) / 1e6;
        double machineCpuMs = (machineCpuNanos() - machineCpuBefore) / 1e6;
        int succeeded = 0;
        for (String id : ids) {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "?top=0"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            succeeded += body.contains("\"SUCCEEDED\"") ? 1 : 0;
        }
        return new Round(String.format("end-to-end: %d jobs for %s: all submitted in %.1f s, all finished in %.1f s = %.0f jobs/s; "
                        + "succeeded %d, failed or lost %d, submit errors %d; CPU per job: machine %.2f ms, client %.2f ms%s",
                jobs, page, submitted, elapsed, ids.size() / elapsed, succeeded, ids.size() - succeeded, failures.get(),
                machineCpuMs / jobs, clientCpuMs / jobs, serverPid < 0 ? "" : String.format(", service %.2f ms", serverCpuMs / jobs)),
                succeeded == jobs);
    }


    /** User and system CPU time of a process so far (Linux /proc), or 0 when unknown. */
    private static long cpuNanos(long pid) {
        if (pid < 0) {
            return 0;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name (which may hold spaces) start after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
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
