package dev.tally.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures long-poll wake-up latency and the cost of many parked waiters against a running Tally
 * (loopback only). Not a test: run by scripts/bench-longpoll, figures go to docs/benchmarks.md.
 *
 * <pre>usage: LongPollBench BASE_URL [PARKED_WAITERS] [WAKE_SAMPLES]</pre>
 *
 * Jobs are held RUNNING by a slow page the benchmark serves itself; waiters long-poll with
 * {@code If-None-Match}; a cancel is the change that wakes them.
 */
public final class LongPollBench {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern ETAG = Pattern.compile("\"[^\"]*\"");

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        int parked = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        if (!URI.create(base).getHost().matches("127\\.0\\.0\\.1|localhost")) {
            throw new IllegalArgumentException("loopback only");
        }
        var slowSite = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 1024);
        slowSite.setExecutor(Executors.newCachedThreadPool());
        slowSite.createContext("/slow", exchange -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        slowSite.start();
        String slowUrl = "http://127.0.0.1:" + slowSite.getAddress().getPort() + "/slow";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(8)).build();
        int status = 1;
        try {
            System.out.printf("long-poll benchmark against %s: %d wake samples, %d parked waiters%n", base, samples, parked);
            wakeLatency(http, base, slowUrl, samples);
            parkedCost(http, base, slowUrl, parked);
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            slowSite.stop(0);
        }
        // Exit either way: the HTTP clients' and the site's threads would keep the JVM (and the script) waiting.
        System.exit(status);
    }

    /** One waiter per job; the job is cancelled; time from the cancel's answer to the waiter's. */
    private static void wakeLatency(HttpClient http, String base, String slowUrl, int samples) throws Exception {
        long[] micros = new long[samples];
        for (int i = 0; i < samples; i++) {
            String id = submit(http, base, slowUrl + "?i=" + i);
            String etag = awaitRunning(http, base, id);
            CompletableFuture<HttpResponse<String>> waiter = http.sendAsync(HttpRequest.newBuilder(
                    URI.create(base + "/api/v1/jobs/" + id + "?waitSeconds=30")).header("If-None-Match", etag).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(20); // let it park
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "/cancel"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            long cancelled = System.nanoTime();
            HttpResponse<String> woken = waiter.get(30, TimeUnit.SECONDS);
            micros[i] = (System.nanoTime() - cancelled) / 1000;
            if (woken.statusCode() != 200 || !woken.body().contains("CANCELLED")) {
                throw new IllegalStateException("unexpected wake-up answer " + woken.statusCode());
            }
        }
        Arrays.sort(micros);
        System.out.printf("wake-up latency after the change is committed: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                micros[samples / 2] / 1000.0, micros[(int) (samples * 0.99)] / 1000.0, micros[samples - 1] / 1000.0);
    }

    /** Parks many waiters, then measures submissions per second and server threads with them parked. */
    private static void parkedCost(HttpClient http, String base, String slowUrl, int parked) throws Exception {
        double before = submitRate(http, base, Duration.ofSeconds(5));
        double threadsBefore = metric(http, base, "jvm.threads.live");
        double heapBefore = metric(http, base, "jvm.memory.used");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Math.max(1, Math.min(50, parked / 100)); i++) {
            String id = submit(http, base, slowUrl + "?parked=" + i);
            ids.add(id);
        }
        List<CompletableFuture<HttpResponse<Void>>> waiters = new ArrayList<>();
        HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < parked; i++) {
            if (i > 0 && i % 100 == 0) {
                Thread.sleep(100); // connections opened gradually: a burst would overflow the accept backlog
            }
            String id = ids.get(i % ids.size());
            String etag = awaitRunning(http, base, id);
            waiters.add(many.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "?waitSeconds=60"))
                    .header("If-None-Match", etag).timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.discarding()));
        }
        Thread.sleep(2000);
        long stillParked = waiters.stream().filter(f -> !f.isDone()).count();
        String endedEarly = waiters.stream().filter(CompletableFuture::isDone)
                .map(f -> f.handle((r, e) -> e != null ? e.getClass().getSimpleName() : "HTTP " + r.statusCode()).join())
                .collect(java.util.stream.Collectors.groupingBy(s1 -> s1, java.util.stream.Collectors.counting()))
                .toString();
        double threadsParked = metric(http, base, "jvm.threads.live");
        double heapParked = metric(http, base, "jvm.memory.used");
        double during = submitRate(http, base, Duration.ofSeconds(5));
        for (String id : ids) {
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "/cancel"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        }
        long start = System.nanoTime();
        CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        double allWoken = (System.nanoTime() - start) / 1e6;
        System.out.printf("%d waiters parked (%d still parked after 2 s; ended early: %s): server threads %.0f -> %.0f, memory used %.0f MB -> %.0f MB%n",
                parked, stillParked, endedEarly, threadsBefore, threadsParked, heapBefore / 1e6, heapParked / 1e6);
        System.out.printf("submissions (1 client, sequential) %.0f/s without waiters, %.0f/s with %d parked%n",
                before, during, parked);
        System.out.printf("all %d waiters answered %.0f ms after their jobs were cancelled%n", parked, allWoken);
    }

    private static double submitRate(HttpClient http, String base, Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        var count = new AtomicInteger();
        while (System.nanoTime() < end) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"benchmark words " + count.get() + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("submit answered " + response.statusCode());
            }
            count.incrementAndGet();
        }
        return count.get() / (duration.toMillis() / 1000.0);
    }

    private static String submit(HttpClient http, String base, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(response.body());
        if (response.statusCode() != 202 || !m.find()) {
            throw new IllegalStateException("submit answered " + response.statusCode() + ": " + response.body());
        }
        return m.group(1);
    }

    private static String awaitRunning(HttpClient http, String base, String id) throws Exception {
        for (int i = 0; i < 600; i++) {
            HttpResponse<String> job = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (job.body().contains("\"RUNNING\"")) {
                return job.headers().firstValue("ETag").orElseThrow();
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("job " + id + " never started");
    }

    private static double metric(HttpClient http, String base, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/" + name)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"value\"\\s*:\\s*([0-9.E+-]+)").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
