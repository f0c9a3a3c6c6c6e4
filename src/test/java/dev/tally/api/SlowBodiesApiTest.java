package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.security.ApiKeyStore;
import dev.tally.support.Api;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Request bodies that arrive slowly, over real connections: each holds a request thread while it
 * is read, so a client past its share of bodies being read gets 429 and any client past the node's
 * bound 503, at once and unread, while requests without a body are answered as usual. On Java 17
 * a few hundred bodies trickled a byte at a time held every request thread (health checks went
 * unanswered).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-slow-bodies;DB_CLOSE_DELAY=-1",
        "tally.roles=api",
        "tally.auth.mode=api-key",
        "tally.api.max-body-reads=3",
        "tally.api.max-body-reads-per-client=2"
})
class SlowBodiesApiTest {

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Autowired
    RequestBodyLimitFilter bodies;

    private final List<Socket> trickling = new ArrayList<>();

    @AfterEach
    void closeSlowBodies() throws Exception {
        for (Socket socket : trickling) {
            socket.close();
        }
        awaitBodiesBeingRead(0);
    }

    @Test
    void refusesABodyPastTheClientsShareWith429BeforeReadingIt() throws Exception {
        String key = keys.create("slow-uploader", null).secret();
        startSlowBody(key);
        startSlowBody(key);
        awaitBodiesBeingRead(2);

        String refused = answerTo(startSlowBody(key));

        assertThat(refused).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After: 2")
                .contains("urn:tally:problem:too-many-bodies").contains("2 request bodies being read");
    }

    @Test
    void refusesAnyClientPastTheNodesBoundWith503() throws Exception {
        String first = keys.create("slow-first", null).secret();
        String second = keys.create("slow-second", null).secret();
        String late = keys.create("late-uploader", null).secret();
        startSlowBody(first);
        startSlowBody(first);
        startSlowBody(second);
        awaitBodiesBeingRead(3);

        String refused = answerTo(startSlowBody(late));

        assertThat(refused).startsWith("HTTP/1.1 503").contains("urn:tally:problem:bodies-busy").contains("limit of 3");
    }

    /**
     * Refused before its body was read, a body still arriving is not waited for: the connection is
     * closed once the answer is sent (Tomcat read on, each read waiting up to its 10 s connection
     * timeout, on the request thread).
     */
    @Test
    void closesTheConnectionOfARefusedBodyStillArrivingInsteadOfReadingOn() throws Exception {
        String key = keys.create("refused-slow-uploader", null).secret();
        Socket socket = startBody(key, "text/plain", 100, "x");
        long start = System.nanoTime();

        String answer = readAnswer(socket.getInputStream());

        assertThat(answer).startsWith("HTTP/1.1 415").containsIgnoringCase("Connection: close");
        assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    /** Parsing a chunk's header may wait on the network: a chunked body nobody read is not read at all. */
    @Test
    void closesTheConnectionOfARefusedChunkedBodyWithoutReadingIt() throws Exception {
        String key = keys.create("refused-chunked-uploader", null).secret();
        Socket socket = connect();
        socket.getOutputStream().write(("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n1;a").getBytes(StandardCharsets.US_ASCII));
        long start = System.nanoTime();

        assertThat(readAnswer(socket.getInputStream())).startsWith("HTTP/1.1 415").containsIgnoringCase("Connection: close");
        assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    /** Closing the connection marks the exchange as failed: the answer must have gone out as it was. */
    @Test
    void sendsASuccessfulAnswerAsItIsWhenItsUnreadBodyIsStillArriving() throws Exception {
        String key = keys.create("deleter-with-a-body", null).secret();
        String job = queuedJob(key, "{\"text\":\"a job to delete\"}");
        Socket socket = connect();
        socket.getOutputStream().write(("DELETE /api/v1/jobs/" + job + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + key + "\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));

        assertThat(readAnswer(socket.getInputStream())).startsWith("HTTP/1.1 204").containsIgnoringCase("Connection: close");
        assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
    }

    /** A long-poll is answered asynchronously, after its request left the valve: its body is let go of then. */
    @Test
    void closesTheConnectionOfALongPollSentWithABodyStillArrivingOnceItIsAnswered() throws Exception {
        String key = keys.create("long-poller-with-a-body", null).secret();
        String job = queuedJob(key, "{\"text\":\"a job no worker takes here\"}");
        Socket socket = connect();
        socket.getOutputStream().write(("GET /api/v1/jobs/" + job + "?waitSeconds=1 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + key + "\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));

        String answer = readAnswer(socket.getInputStream());
        long answered = System.nanoTime();

        assertThat(answer).startsWith("HTTP/1.1 200").contains("QUEUED");
        assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - answered)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void keepsTheConnectionOfARefusedBodyThatArrivedWhole() throws Exception {
        String body = "{\"text\":\"sent with a key that is not one\"}";
        Socket socket = startBody("not-a-key", "application/json", body.length(), body);
        assertThat(readAnswer(socket.getInputStream())).startsWith("HTTP/1.1 401");

        socket.getOutputStream().write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(readAnswer(socket.getInputStream())).startsWith("HTTP/1.1 200");
    }

    /** A submission whose headers arrive whole and whose body never does (its first byte only). */
    private Socket startSlowBody(String key) throws IOException {
        return startBody(key, "application/json", 100, "{");
    }

    /** A submission with the given declared length, of which {@code sent} is all that is sent. */
    private Socket startBody(String key, String contentType, int declaredLength, String sent) throws IOException {
        Socket socket = connect();
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + declaredLength + "\r\n\r\n" + sent)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** One whole answer (its head, and its body: of the declared length, chunked, or to the connection's end), read no further. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended within an answer's head: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        boolean chunked = false;
        for (String line : head.toString().split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        }
        if (!chunked && length == 0 && head.toString().toLowerCase(java.util.Locale.ROOT).contains("connection: close")) {
            return head + new String(in.readAllBytes(), StandardCharsets.UTF_8); // its end is the connection's
        }
        if (!chunked) {
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        StringBuilder body = new StringBuilder();
        for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
            body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
            in.readNBytes(2); // the chunk's CRLF
        }
        in.readNBytes(2); // the last chunk's CRLF, no trailers
        return head + body.toString();
    }

    private static int chunkSize(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection ended within a chunked answer");
            }
            line.append((char) b);
        }
        return Integer.parseInt(line.toString().trim(), 16);
    }

    /** The answer's head and the start of its body, as it came. */
    private static String answerTo(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        StringBuilder answer = new StringBuilder();
        int n;
        while (!answer.toString().contains("urn:tally:problem:") && (n = in.read(buffer)) > 0) {
            answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return answer.toString();
    }

    private void awaitBodiesBeingRead(int expected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.bodiesBeingRead() == expected);
    }

    /** A connection to the service, remembered to be closed after the test. */
    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5_000);
        trickling.add(socket);
        return socket;
    }

    /** Submits {@code json} for {@code key}; on this API-only node the job stays queued. */
    private String queuedJob(String key, String json) {
        return new Api(port).send(java.net.http.HttpRequest.newBuilder(new Api(port).uri("/api/v1/jobs"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))).json().get("id").asString();
    }
}
