package dev.tally.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.memory.HeapBudget;
import java.nio.charset.StandardCharsets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Large JSON bodies take room in the heap budget while their request is handled, and wait for it;
 * the rest of the filter (413, 400) is specified through a real server in ProblemResponsesTest.
 */
class RequestBodyLimitFilterTest {

    private static final long KIB = 1024;
    private static final long LIMIT = 4 * 1024 * KIB;
    /** Bodies above 16 KiB are large; room for 1 MiB, eight times a body's size each. */
    private final HeapBudget memory = new HeapBudget(1024 * KIB, 16 * KIB, RequestBodyLimitFilter.BODY_WEIGHT);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private final RequestBodyLimitFilter filter = new RequestBodyLimitFilter(
            LIMIT, READ_TIMEOUT, new Problems(JsonMapper.builder().build()), memory, Duration.ofMillis(100),
            new ClientPlaces(100, 16), new SimpleMeterRegistry());
    private final AtomicLong reservedWhileHandled = new AtomicLong(-1);

    @Test
    void aLargeBodyHoldsEightTimesItsSizeUntilItsRequestIsAnswered() throws Exception {
        byte[] body = textSubmission(100 * KIB);
        var response = new MockHttpServletResponse();

        filter.doFilter(post(body, true), response, recordingChain());

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(reservedWhileHandled.get()).isEqualTo(roundedUpToKib(8 * body.length));
        assertThat(memory.reservedBytes()).isZero();
    }

    @Test
    void aChunkedLargeBodyReservesOnceItPassesTheThresholdThenKeepsRoomForItsSize() throws Exception {
        byte[] body = textSubmission(100 * KIB);

        filter.doFilter(post(body, false), new MockHttpServletResponse(), recordingChain());

        assertThat(reservedWhileHandled.get()).isEqualTo(roundedUpToKib(8 * body.length));
        assertThat(memory.reservedBytes()).isZero();
    }

    @Test
    void aBodyGivesItsPlaceAmongBodiesBeingReadBackBeforeItsRequestIsHandled() throws Exception {
        var places = new ClientPlaces(4, 2);
        var placesWhileHandled = new AtomicLong(-1);
        var counting = filterWith(places);

        counting.doFilter(post(textSubmission(10 * KIB), true), new MockHttpServletResponse(), new MockFilterChain() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response) {
                placesWhileHandled.set(places.held());
            }
        });

        assertThat(placesWhileHandled.get()).isZero();
        assertThat(places.held()).isZero();
    }

    @Test
    void refusesABodyPastTheClientsShareWith429Unread() throws Exception {
        var places = new ClientPlaces(4, 1);
        places.take("ip:127.0.0.1"); // this client's other body, still arriving
        var counting = filterWith(places);
        var response = new MockHttpServletResponse();
        var chain = recordingChain();

        counting.doFilter(post(textSubmission(10 * KIB), true), response, chain);

        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeader("Retry-After")).isEqualTo("2");
        assertThat(response.getContentAsString()).contains("\"type\":\"urn:tally:problem:too-many-bodies\"");
        assertThat(chain.getRequest()).as("not handled").isNull();
    }

    /** A JSON GET or DELETE (some clients send the Content-Type on every request) has no body to wait for. */
    @Test
    void takesNoPlaceForAJsonRequestWithoutABody() throws Exception {
        var places = new ClientPlaces(1, 1);
        places.take("ip:127.0.0.1");
        var counting = filterWith(places);
        var poll = new MockHttpServletRequest("GET", "/api/v1/jobs");
        poll.setContentType("application/json");
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();

        counting.doFilter(poll, response, chain);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(chain.getRequest()).as("handled").isNotNull();
    }

    @Test
    void smallBodiesTakeNoRoom() throws Exception {
        filter.doFilter(post(textSubmission(10 * KIB), true), new MockHttpServletResponse(), recordingChain());

        assertThat(reservedWhileHandled.get()).isZero();
    }

    @Test
    void refusesALargeBodyWith503AndRetryAfterWhenNoRoomFreesInTime() throws Exception {
        HeapBudget.Reservation other = memory.reserve(100 * KIB, System.nanoTime());
        var response = new MockHttpServletResponse();
        var chain = recordingChain();

        filter.doFilter(post(textSubmission(100 * KIB), true), response, chain);

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("2");
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"status\":503")
                .contains("\"type\":\"urn:tally:problem:large-bodies-busy\"");
        assertThat(chain.getRequest()).as("not handled").isNull();
        other.release();
        assertThat(memory.reservedBytes()).isZero();
    }

    @Test
    void aLargeBodyWaitsForRoomThatFreesWithinTheWait() throws Exception {
        var slowFilter = new RequestBodyLimitFilter(LIMIT, READ_TIMEOUT, new Problems(JsonMapper.builder().build()), memory,
                Duration.ofSeconds(10), new ClientPlaces(100, 16), new SimpleMeterRegistry());
        HeapBudget.Reservation other = memory.reserve(100 * KIB, System.nanoTime());
        Thread releaser = new Thread(() -> {
            sleep(200);
            other.release();
        });
        releaser.start();
        var response = new MockHttpServletResponse();

        slowFilter.doFilter(post(textSubmission(100 * KIB), true), response, recordingChain());

        releaser.join();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(reservedWhileHandled.get()).isEqualTo(roundedUpToKib(8 * textSubmission(100 * KIB).length));
    }

    @Test
    void answers408AndFreesTheRoomWhenALargeBodyIsStillArrivingAfterTheReadTimeout() throws Exception {
        var impatient = new RequestBodyLimitFilter(LIMIT, Duration.ofMillis(150), new Problems(JsonMapper.builder().build()),
                memory, Duration.ofMillis(100), new ClientPlaces(100, 16), new SimpleMeterRegistry());
        var response = new MockHttpServletResponse();
        var chain = recordingChain();

        // 100 KiB in pieces of 4 KiB, 20 ms apart: about half a second in all.
        impatient.doFilter(trickled(post(textSubmission(100 * KIB), true), 4096, 20), response, chain);

        assertThat(response.getStatus()).isEqualTo(408);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"status\":408").contains("not received within")
                .contains("\"type\":\"urn:tally:problem:body-timeout\"");
        assertThat(chain.getRequest()).as("not handled").isNull();
        assertThat(memory.reservedBytes()).as("its room is free again").isZero();
    }

    @Test
    void acceptsASlowBodyThatEndsWithinTheReadTimeout() throws Exception {
        var patient = new RequestBodyLimitFilter(LIMIT, Duration.ofSeconds(5), new Problems(JsonMapper.builder().build()),
                memory, Duration.ofMillis(100), new ClientPlaces(100, 16), new SimpleMeterRegistry());
        var response = new MockHttpServletResponse();

        patient.doFilter(trickled(post(textSubmission(100 * KIB), true), 4096, 20), response, recordingChain());

        assertThat(response.getStatus()).isEqualTo(200);
    }

    /** The filter with these places for bodies being read. */
    private RequestBodyLimitFilter filterWith(ClientPlaces places) {
        return new RequestBodyLimitFilter(LIMIT, READ_TIMEOUT, new Problems(JsonMapper.builder().build()), memory,
                Duration.ofMillis(100), places, new SimpleMeterRegistry());
    }

    private MockFilterChain recordingChain() {
        return new MockFilterChain() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response)
                    throws java.io.IOException, jakarta.servlet.ServletException {
                reservedWhileHandled.set(memory.reservedBytes());
                assertThat(request.getInputStream().readAllBytes()).isNotEmpty();
                super.doFilter(request, response);
            }
        };
    }

    /** A POST of {@code body} as JSON, with its Content-Length declared or (chunked) not. */
    private static MockHttpServletRequest post(byte[] body, boolean declareLength) {
        var request = new MockHttpServletRequest("POST", "/api/v1/jobs") {
            @Override
            public long getContentLengthLong() {
                return declareLength ? body.length : -1;
            }

            @Override
            public int getContentLength() {
                return declareLength ? body.length : -1;
            }
        };
        request.setContentType("application/json");
        request.setContent(body);
        if (!declareLength) {
            request.addHeader("Transfer-Encoding", "chunked");
        }
        return request;
    }

    /** The request with its body handed out {@code piece} bytes per read, {@code pauseMillis} apart. */
    private static MockHttpServletRequest trickled(MockHttpServletRequest request, int piece, long pauseMillis) {
        byte[] body = request.getContentAsByteArray();
        var slow = new MockHttpServletRequest("POST", request.getRequestURI()) {
            private final java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);

            @Override
            public long getContentLengthLong() {
                return body.length;
            }

            @Override
            public int getContentLength() {
                return body.length;
            }

            @Override
            public jakarta.servlet.ServletInputStream getInputStream() {
                return new jakarta.servlet.ServletInputStream() {
                    @Override
                    public int read() {
                        sleep(pauseMillis);
                        return in.read();
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) {
                        sleep(pauseMillis);
                        return in.read(buffer, offset, Math.min(length, piece));
                    }

                    @Override
                    public boolean isFinished() {
                        return in.available() == 0;
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setReadListener(jakarta.servlet.ReadListener listener) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        };
        slow.setContentType(request.getContentType());
        return slow;
    }

    /** {"text": "..."} of about {@code bytes} bytes of English words. */
    private static byte[] textSubmission(long bytes) {
        String words = "the quick brown fox jumps over the lazy dog ".repeat((int) (bytes / 44));
        return ("{\"text\":\"" + words + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static long roundedUpToKib(long bytes) {
        return (bytes + 1023) / 1024 * 1024;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
