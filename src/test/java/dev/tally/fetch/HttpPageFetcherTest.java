package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.tally.job.ErrorCode;
import dev.tally.text.DocumentType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Against a real HTTP server on loopback, so most cases allow private networks. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpPageFetcherTest {

    private static TestServer server;
    private static HttpPageFetcher fetcher;
    private static HttpPageFetcher strictFetcher;
    private static HttpPageFetcher guardedFetcher;

    @BeforeAll
    static void start() throws IOException {
        server = new TestServer();
        fetcher = new HttpPageFetcher(FetcherTestSupport.properties(true));
        strictFetcher = new HttpPageFetcher(FetcherTestSupport.properties(false));
        // Private networks disallowed, except the test server's own address, so redirects and
        // DNS answers can be checked against a live server.
        AddressPolicy allowOnlyTestServer = new AddressPolicy(false) {
            @Override
            boolean isForbidden(InetAddress address) {
                return !address.getHostAddress().equals("127.0.0.1") && super.isForbidden(address);
            }
        };
        DnsResolver testDns = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return switch (host) {
                    case "good.test", "xn--bcher-kva.test" -> new InetAddress[] {address(127, 0, 0, 1)};
                    case "evil.test" -> new InetAddress[] {address(127, 0, 0, 2)};
                    case "mixed.test" -> new InetAddress[] {address(127, 0, 0, 1), address(10, 0, 0, 1)};
                    case "silent.test" -> silentNameServers();
                    case "gone.test" -> throw new UnknownHostException("gone.test: Name or service not known");
                    case "flaky.test" -> throw new UnknownHostException("flaky.test: Temporary failure in name resolution");
                    default -> SystemDefaultDnsResolver.INSTANCE.resolve(host);
                };
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        guardedFetcher = new HttpPageFetcher(FetcherTestSupport.properties(false), allowOnlyTestServer, testDns);
    }

    @AfterAll
    static void stop() throws IOException {
        fetcher.close();
        strictFetcher.close();
        guardedFetcher.close();
        server.close();
    }

    /** Name servers that never answer: the system's lookup waits until its own timeouts, 10–30 s. */
    private static InetAddress[] silentNameServers() throws UnknownHostException {
        try {
            Thread.sleep(20_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new UnknownHostException("silent.test: no answer from the name servers");
    }

    private static InetAddress address(int a, int b, int c, int d) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    private static FetchException failure(PageFetcher pageFetcher, URI uri) {
        return catchThrowableOfType(FetchException.class, () -> pageFetcher.fetch(uri));
    }

    /** Writes {@code answer} to every connection {@code socket} accepts, then closes it. */
    private static void answerEveryConnection(ServerSocket socket, String answer) {
        Thread server = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    connection.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        server.setDaemon(true);
        server.start();
    }

    private static FetchException failure(URI uri) {
        return failure(fetcher, uri);
    }

    // pages

    @Test
    void fetchesHtmlWithCharsetFromContentType() throws Exception {
        FetchedPage page = fetcher.fetch(server.uri("/html"));

        assertThat(page.type()).isEqualTo(DocumentType.HTML);
        assertThat(page.charset()).isEqualTo("ISO-8859-1");
        assertThat(page.body()).isEqualTo(TestServer.HTML.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(page.finalUrl()).isEqualTo(server.uri("/html"));
    }

    @Test
    void fetchesPlainTextWithQuotedCharset() throws Exception {
        FetchedPage page = fetcher.fetch(server.uri("/text"));

        assertThat(page.type()).isEqualTo(DocumentType.PLAIN_TEXT);
        assertThat(page.charset()).isEqualTo("utf-8");
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).isEqualTo("plain words here");
    }

    @Test
    void readsXhtmlAsHtmlAndOtherTextAsPlainTextWithoutCharset() throws Exception {
        assertThat(fetcher.fetch(server.uri("/xhtml")).type()).isEqualTo(DocumentType.HTML);
        FetchedPage csv = fetcher.fetch(server.uri("/csv"));
        assertThat(csv.type()).isEqualTo(DocumentType.PLAIN_TEXT);
        assertThat(csv.charset()).isNull();
    }

    @Test
    void sendsUserAgentAcceptAndAcceptEncoding() throws Exception {
        fetcher.fetch(server.uri("/html"));

        TestServer.HttpExchangeRecord request = server.lastRequest.get("/html");
        assertThat(request.userAgent()).isEqualTo(FetcherTestSupport.USER_AGENT);
        assertThat(request.accept()).contains("text/html");
        assertThat(request.acceptEncoding()).contains("gzip");
    }

    @Test
    void decompressesGzipBodies() throws Exception {
        FetchedPage page = fetcher.fetch(server.uri("/gzip"));

        assertThat(new String(page.body(), StandardCharsets.UTF_8)).isEqualTo(TestServer.HTML);
    }

    @Test
    void acceptsBodyOfExactlyMaxBytes() throws Exception {
        assertThat(fetcher.fetch(server.uri("/exactly-max")).body()).hasSize(64 * 1024);
    }

    // status

    @ParameterizedTest
    @CsvSource({"404,false", "403,false", "410,false", "500,true", "503,true", "429,true", "408,true", "300,false"})
    void failsNon2xxWithHttpStatusAndRetryability(int status, boolean retryable) {
        FetchException e = failure(server.uri("/status/" + status));

        assertThat(e.code()).isEqualTo(ErrorCode.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.getMessage()).isEqualTo("the page answered " + status);
    }

    @Test
    void failsRedirectWithoutLocationAsHttpStatus() {
        FetchException e = failure(server.uri("/redirect-without-location"));

        assertThat(e.code()).isEqualTo(ErrorCode.HTTP_STATUS);
        assertThat(e.httpStatus()).isEqualTo(302);
    }

    // content type

    @Test
    void rejectsPdfAsUnsupportedContentType() {
        FetchException e = failure(server.uri("/pdf"));

        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT_TYPE);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("application/pdf");
    }

    @Test
    void rejectsMissingContentType() {
        assertThat(failure(server.uri("/no-content-type")).code()).isEqualTo(ErrorCode.UNSUPPORTED_CONTENT_TYPE);
    }

    // redirects

    @Test
    void followsRedirectsUpToLimit() throws Exception {
        FetchedPage page = fetcher.fetch(server.uri("/redirect/3"));

        assertThat(page.type()).isEqualTo(DocumentType.HTML);
        assertThat(page.finalUrl()).isEqualTo(server.uri("/html"));
    }

    @Test
    void failsOneRedirectBeyondLimitWithTooManyRedirects() {
        FetchException e = failure(server.uri("/redirect/4"));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_REDIRECTS);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void failsRedirectLoopWithTooManyRedirects() {
        assertThat(failure(server.uri("/loop")).code()).isEqualTo(ErrorCode.TOO_MANY_REDIRECTS);
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void followsEveryRedirectStatusWithRelativeLocation(int status) throws Exception {
        FetchedPage page = fetcher.fetch(server.uri("/redirect-status/" + status));

        assertThat(page.finalUrl()).isEqualTo(server.uri("/text"));
        assertThat(page.type()).isEqualTo(DocumentType.PLAIN_TEXT);
    }

    @Test
    void doesNotStoreCookies() throws Exception {
        fetcher.fetch(server.uri("/set-cookie"));

        assertThat(server.lastRequest.get("/cookie-echo").cookie()).isNull();
    }

    // limits

    @Test
    void stopsGzipBombAtMaxBytes() {
        long start = System.nanoTime();
        FetchException e = failure(server.uri("/gzip-bomb"));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(e.retryable()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void stopsEndlessChunkedBodyAtMaxBytes() {
        long start = System.nanoTime();
        FetchException e = failure(server.uri("/endless"));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void failsChunkedBodyOneByteOverMaxBytes() {
        assertThat(failure(server.uri("/one-over-max-chunked")).code()).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void failsEarlyOnDeclaredContentLengthAboveMaxBytes() {
        long start = System.nanoTime();
        FetchException e = failure(server.uri("/declared-too-large"));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(600));
    }

    @Test
    void failsCorruptGzipAsInvalidContent() {
        FetchException e = failure(server.uri("/corrupt-gzip"));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONTENT);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void failsABodyInACompressionItDoesNotReadAsInvalidContent() {
        FetchException e = failure(server.uri("/brotli"));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONTENT);
        assertThat(e.getMessage()).isEqualTo("the page is compressed as br, which Tally does not read (it asks for gzip or deflate)");
        assertThat(e.retryable()).isFalse();
    }

    /**
     * Said as what it is, and tried again: without a length or chunks, a connection cut mid-body
     * ends the same way as a stream sent short.
     */
    @Test
    void failsAGzipStreamThatStopsShortAsRetryableInvalidContent() {
        FetchException e = failure(server.uri("/truncated-gzip"));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONTENT);
        assertThat(e.getMessage()).isEqualTo("the page's compressed body stops short");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void failsSilentServerAfterReadTimeout() {
        long start = System.nanoTime();
        FetchException e = failure(server.uri("/slow-headers"));

        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.retryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(600), Duration.ofMillis(2500));
    }

    @Test
    void failsTrickleBeyondWholeFetchTimeout() throws IOException {
        try (HttpPageFetcher quick = new HttpPageFetcher(
                FetcherTestSupport.properties(true, Duration.ofMillis(1000), Duration.ofMillis(700)))) {
            long start = System.nanoTime();
            FetchException e = failure(quick, server.uri("/trickle"));

            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.retryable()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofMillis(2000));
        }
    }

    @Test
    void abortsOnInterruptAndPropagatesInterruptedException() throws Exception {
        // /trickle sends a byte every 200 ms for 20 s, always within the read timeout, so without
        // the interrupt this fetch would run into its whole deadline: 15 s here.
        Duration timeout = Duration.ofSeconds(15);
        try (HttpPageFetcher patient = new HttpPageFetcher(FetcherTestSupport.properties(true, timeout, Duration.ofMillis(700)))) {
            AtomicReference<Thread> worker = new AtomicReference<>();
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                worker.set(Thread.currentThread());
                try {
                    patient.fetch(server.uri("/trickle"));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            // The interrupt must land during the blocking body read, which does not notice it by
            // itself; an earlier one would be caught by the cheaper checks before the request.
            await().atMost(Duration.ofSeconds(5)).until(() -> FetcherTestSupport.isInside(worker.get(), HttpPageFetcher.class, "readBody"));
            long start = System.nanoTime();
            worker.get().interrupt();

            Throwable thrown = outcome.get(10, TimeUnit.SECONDS);
            assertThat(thrown).isInstanceOf(InterruptedException.class);
            // The watchdog notices within 20 ms; 5 s leaves a busy machine plenty of room and is
            // still a third of the 15 s a fetch that ignored the interrupt would take.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }


    @Test
    void throwsInterruptedExceptionWhenAlreadyInterrupted() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> fetcher.fetch(server.uri("/html"))).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
    }

    // network failures

    @Test
    void failsRefusedConnectionWithConnect() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        FetchException e = failure(URI.create("http://127.0.0.1:" + port + "/"));

        assertThat(e.code()).isEqualTo(ErrorCode.CONNECT);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void failsAHandshakeTheSiteCutsWithARetryableConnect() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            answerEveryConnection(socket, ""); // as a server restarting: the ClientHello goes unanswered

            FetchException e = failure(URI.create("https://127.0.0.1:" + socket.getLocalPort() + "/"));

            assertThat(e.code()).isEqualTo(ErrorCode.CONNECT);
            assertThat(e.retryable()).isTrue();
            // robots.txt is asked for first, and fails the fetch with its own failure
            assertThat(e.getMessage()).endsWith("the connection to the site was cut during the TLS handshake");
        }
    }

    @Test
    void failsAnHttpsRequestToAPlainHttpSiteWithoutRetrying() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // The ClientHello is answered in plain HTTP: a wrong URL, not a passing fault.
            answerEveryConnection(socket, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");

            FetchException e = failure(URI.create("https://127.0.0.1:" + socket.getLocalPort() + "/"));

            assertThat(e.code()).isEqualTo(ErrorCode.CONNECT);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).endsWith("the TLS handshake with the site failed");
        }
    }

    @Test
    void failsAnAnswerOverHttpLimitsWithoutRetrying() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // A header line over HttpClient's 8 KiB: the same answer every time.
            answerEveryConnection(socket, "HTTP/1.1 200 OK\r\nX-Padding: " + "a".repeat(9_000)
                    + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");

            FetchException e = failure(URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/"));

            assertThat(e.code()).isEqualTo(ErrorCode.CONNECT);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).endsWith("the site sent an invalid HTTP response");
        }
    }

    /** Names under .invalid never resolve (RFC 6761): no attempt would ever reach the page. */
    @Test
    void failsAHostUnderInvalidWithDnsNotToBeRetried() {
        FetchException e = failure(URI.create("http://no-such-host.invalid/"));

        assertThat(e.code()).isEqualTo(ErrorCode.DNS);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("the host name does not exist");
    }

    @Test
    void failsAHostTheNameServersDoNotKnowWithDnsNotToBeRetried() {
        FetchException e = failure(guardedFetcher, URI.create("http://gone.test:" + server.port() + "/html"));

        assertThat(e.code()).isEqualTo(ErrorCode.DNS);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void failsAHostWhoseLookupFailedForTheMomentWithDnsToBeRetried() {
        FetchException e = failure(guardedFetcher, URI.create("http://flaky.test:" + server.port() + "/html"));

        assertThat(e.code()).isEqualTo(ErrorCode.DNS);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("could not be resolved");
    }

    // destination safety

    @Test
    void refusesLoopbackWhenPrivateNetworksDisallowed() {
        int before = server.paths.size();

        for (String url : new String[] {"http://127.0.0.1:%d/html", "http://localhost:%d/html", "http://127.1:%d/html",
                "http://0x7f000001:%d/html", "http://2130706433:%d/html", "http://[::1]:%d/html", "http://[::ffff:127.0.0.1]:%d/html"}) {
            FetchException e = failure(strictFetcher, URI.create(url.formatted(server.port())));
            assertThat(e.code()).as(url).isEqualTo(ErrorCode.FORBIDDEN_DESTINATION);
            assertThat(e.retryable()).isFalse();
        }
        assertThat(server.paths).hasSize(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://0x7f000001:%d/html", "http://127.1:%d/html", "http://2130706433:%d/html", "http://0177.0.0.1:%d/html"})
    void connectsToTheAddressTheOddSpellingDenotes(String url) throws Exception {
        // Java alone would read 0177.0.0.1 as 177.0.0.1 and fail on hex; inet_aton reads loopback.
        assertThat(fetcher.fetch(URI.create(url.formatted(server.port()))).type()).isEqualTo(DocumentType.HTML);
    }

    @Test
    void allowsTheTestServerThroughTheGuardedFetcher() throws Exception {
        assertThat(guardedFetcher.fetch(server.uri("/html")).type()).isEqualTo(DocumentType.HTML);
        assertThat(guardedFetcher.fetch(URI.create("http://good.test:" + server.port() + "/html")).type()).isEqualTo(DocumentType.HTML);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://0x7f000002:%d/html",
        "http://[::1]:%d/html", "http://evil.test:%d/html", "http://mixed.test:%d/html"})
    void rejectsRedirectToPrivateAddress(String target) {
        FetchException e = failure(guardedFetcher, redirectTo(target.formatted(server.port())));

        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN_DESTINATION);
        assertThat(e.retryable()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/file", "file:///etc/passwd", "http://user:secret@127.0.0.1:%d/html"})
    void rejectsRedirectToDisallowedUrl(String target) {
        FetchException e = failure(redirectTo(target.formatted(server.port())));

        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN_DESTINATION);
        assertThat(e.getMessage()).doesNotContain("secret");
    }

    @Test
    void failsAsRetryableDnsAtTwiceTheConnectTimeoutWhenNameServersDoNotAnswer() {
        long start = System.nanoTime();
        FetchException e = failure(guardedFetcher, URI.create("http://silent.test:" + server.port() + "/html"));

        assertThat(e.code()).isEqualTo(ErrorCode.DNS);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("could not be resolved: no answer within 2000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void rejectsHostResolvingToAnyForbiddenAddress() {
        FetchException e = failure(guardedFetcher, URI.create("http://mixed.test:" + server.port() + "/html"));

        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN_DESTINATION);
    }

    @Test
    void followsRedirectToAllowedHostName() throws Exception {
        FetchedPage page = guardedFetcher.fetch(redirectTo("http://good.test:" + server.port() + "/text"));

        assertThat(page.finalUrl()).isEqualTo(URI.create("http://good.test:" + server.port() + "/text"));
    }

    @Test
    void fetchesAnInternationalizedHostName() throws Exception {
        FetchedPage page = guardedFetcher.fetch(URI.create("http://bücher.test:" + server.port() + "/text"));

        assertThat(page.type()).isEqualTo(DocumentType.PLAIN_TEXT);
    }

    /** As most servers send it: the Location's raw UTF-8 bytes, which browsers read as UTF-8. */
    @Test
    void followsRedirectToAnInternationalizedHostNameSentAsRawUtf8() throws Exception {
        FetchedPage page = guardedFetcher.fetch(server.uri("/redirect-to-utf8?"
                + URLEncoder.encode("http://bücher.test:" + server.port() + "/text", StandardCharsets.UTF_8)));

        assertThat(page.finalUrl()).isEqualTo(URI.create("http://xn--bcher-kva.test:" + server.port() + "/text"));
    }

    @Test
    void sendsTheNonAsciiQueryOfARedirectSentAsRawUtf8EscapedOnce() throws Exception {
        FetchedPage page = guardedFetcher.fetch(server.uri("/redirect-to-utf8?"
                + URLEncoder.encode("/echo-query?q=straße", StandardCharsets.UTF_8)));

        assertThat(new String(page.body(), StandardCharsets.US_ASCII)).isEqualTo("q=stra%C3%9Fe");
    }

    @Test
    void followsRedirectToAnInternationalizedHostNameSentAsLatin1() throws Exception {
        FetchedPage page = guardedFetcher.fetch(redirectTo("http://bücher.test:" + server.port() + "/text"));

        assertThat(page.finalUrl()).isEqualTo(URI.create("http://xn--bcher-kva.test:" + server.port() + "/text"));
    }

    @Test
    void followsRedirectToAnInternationalizedHostNameWithARawSpaceInItsQuery() throws Exception {
        FetchedPage page = guardedFetcher.fetch(redirectTo("http://bücher.test:" + server.port() + "/text?q=a b"));

        assertThat(page.finalUrl()).isEqualTo(URI.create("http://xn--bcher-kva.test:" + server.port() + "/text?q=a%20b"));
    }

    @Test
    void refusesRedirectToAnInternationalizedSpellingOfLoopback() {
        // Full-width digits and dots: IDNA folds them into 127.0.0.2, which the guarded fetcher may not fetch.
        FetchException e = failure(guardedFetcher, redirectTo("http://１２７．０．０．２:" + server.port() + "/text"));

        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN_DESTINATION);
    }

    private static URI redirectTo(String target) {
        return server.uri("/redirect-to?" + URLEncoder.encode(target, StandardCharsets.UTF_8));
    }

    @Test
    void messagesNeverContainTheUrl() throws ExecutionException {
        FetchException e = failure(server.uri("/status/404?token=hunter2"));

        assertThat(e.getMessage()).doesNotContain("hunter2");
    }
}
