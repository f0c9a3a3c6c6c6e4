package dev.tally.api;

import dev.tally.memory.HeapBudget;
import dev.tally.security.CurrentClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body: a declared Content-Length over the limit is refused before reading,
 * and a chunked body is cut off as soon as it passes the limit (both 413 problem+json). JSON
 * bodies are read here (within the limit) and must be strictly valid UTF-8 (400 otherwise).
 *
 * <p>A JSON body larger than 256 KiB is read only with room for it in a {@link HeapBudget}
 * ({@code tally.api.large-body-heap-percent}), held until its request is answered: its bytes, the
 * parser's chars, the text's String and the copies the store makes take several times its size,
 * and 64 concurrent submissions of 10 MB texts ran a 512 MB heap out. Room is reserved before
 * reading when the length is declared, else once the body passes 256 KiB (for the largest body,
 * cut down to its size once read). A body that finds no room within {@link #LARGE_BODY_WAIT}
 * gets 503 with Retry-After, unread.
 *
 * <p>Every body must arrive within {@code tally.api.body-read-timeout} of its first read, else 408
 * (and the connection is not reused): Tomcat's connection timeout bounds the gap between two
 * packets, not the whole body, and a large body holds its room in the budget while it arrives.
 *
 * <p>Runs after Spring Security's filter chain: a client without valid credentials, or over its
 * rate limit, is answered before its body is read (read first, anyone could hold room in the
 * budget, and a request, for the body's read timeout). Nothing before it reads a body: no filter
 * of that chain does, and Spring's form-content filter is off ({@code application.yml}).
 */
@Component
@Order(RequestBodyLimitFilter.ORDER)
class RequestBodyLimitFilter extends OncePerRequestFilter {

    /**
     * The heap a large JSON body takes, in multiples of its size: its bytes, the parser's char
     * buffer (two bytes a char), the text's String (up to two), its UTF-8 copy for the store, and
     * the store's own copies until the commit is written.
     */
    static final int BODY_WEIGHT = 8;
    /** After Spring Security's filter chain, before the short paths ({@link JobSubmitFilter}). */
    static final int ORDER = SecurityFilterProperties.DEFAULT_FILTER_ORDER + 50;
    /** How long a large body waits for room before it is refused with 503. */
    static final Duration LARGE_BODY_WAIT = Duration.ofSeconds(10);
    /** The request attribute holding a JSON body read and checked here. */
    private static final String JSON_BODY = RequestBodyLimitFilter.class.getName() + ".jsonBody";
    private static final String RETRY_AFTER_SECONDS = "2";

    private final long limit;
    private final Duration readTimeout;
    private final Problems problems;
    private final HeapBudget memory;
    private final Duration wait;
    private final ClientPlaces reads;
    private final Counter readsRefusedForNode;
    private final Counter readsRefusedForClient;

    @Autowired
    RequestBodyLimitFilter(ApiProperties properties, Problems problems, MeterRegistry meters,
            ObjectProvider<SecurityFilterProperties> security) {
        this(properties.maxBodySize().toBytes(), properties.bodyReadTimeout(), problems,
                HeapBudget.ofHeapPercent(properties.largeBodyHeapPercent(), BODY_WEIGHT), LARGE_BODY_WAIT,
                new ClientPlaces(properties.maxBodyReads(), properties.maxBodyReadsPerClient()), meters);
        Gauge.builder("tally.api.large.bodies.reserved", memory, HeapBudget::reservedBytes)
                .description("heap held by large request bodies being read, parsed and stored (tally.api.large-body-heap-percent)")
                .baseUnit("bytes")
                .register(meters);
        security.ifAvailable(filter -> requireAfter(filter.getOrder()));
    }

    /**
     * Refuses a {@code spring.security.filter.order} that would put Spring Security's chain after
     * this filter and the short paths: bodies read before credentials, and submissions or polls
     * answered without them.
     */
    static void requireAfter(int securityOrder) {
        if (securityOrder >= ORDER) {
            throw new IllegalStateException("spring.security.filter.order is " + securityOrder + "; it must be below "
                    + ORDER + " (Spring Boot's default is " + SecurityFilterProperties.DEFAULT_FILTER_ORDER
                    + "): Tally's request body limit and its short paths for submissions and polls run after the security chain");
        }
    }

    /**
     * @param memory the heap budget for large bodies; tests make it small, and the wait short
     * @param reads the places for bodies being read ({@code tally.api.max-body-reads}, per client too)
     */
    RequestBodyLimitFilter(long limit, Duration readTimeout, Problems problems, HeapBudget memory, Duration wait,
                           ClientPlaces reads, MeterRegistry meters) {
        this.limit = limit;
        this.readTimeout = readTimeout;
        this.problems = problems;
        this.memory = memory;
        this.wait = wait;
        this.reads = reads;
        String description = "request bodies refused before reading: the node's bound or the client's share of bodies being read";
        this.readsRefusedForNode = Counter.builder("tally.api.body.reads.refused").tag("bound", "node")
                .description(description).register(meters);
        this.readsRefusedForClient = Counter.builder("tally.api.body.reads.refused").tag("bound", "client")
                .description(description).register(meters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            problems.write(response, 413, "Content Too Large",
                    "the request body is larger than the limit of " + limit + " bytes", "too-large");
            return;
        }
        if (isJson(request)) {
            filterJson(request, response, chain);
            return;
        }
        if (hasBody(request)) {
            // No endpoint reads a body that is not JSON: it is refused (415) or ignored, and its
            // connection closed rather than the rest of the body waited for (UnreadBodyValve). Said
            // here, before the answer is written: MVC sends its answers at once.
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        chain.doFilter(new LimitedRequest(request, limit, readTimeout), response);
    }

    private void filterJson(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasBody(request)) {
            readJson(request, response, chain, () -> { });
            return;
        }
        Runnable readPlace;
        try {
            readPlace = reads.take(CurrentClient.boundKey(request));
        } catch (ClientPlaces.Refused e) {
            refuseRead(response, e.perClient());
            return;
        }
        try {
            readJson(request, response, chain, readPlace);
        } finally {
            readPlace.run();
        }
    }

    /** A declared length above zero, or a transfer coding (chunked): a JSON GET or DELETE usually has neither. */
    private static boolean hasBody(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        return length > 0 || (length < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null);
    }

    /**
     * Reads the JSON body, holding a place among the bodies being read (a wait for heap room
     * included) until it is read: a body read to its end takes no more network time, and the
     * rest of the request runs without it.
     */
    private void readJson(HttpServletRequest request, HttpServletResponse response, FilterChain chain, Runnable readPlace)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        HeapBudget.Reservation reservation = null;
        try {
            if (memory.isLarge(declared)) {
                reservation = reserve(declared);
                if (reservation == null) {
                    busy(response);
                    return;
                }
            }
            byte[] body;
            try {
                var in = new LimitedStream(request.getInputStream(), limit, readTimeout);
                if (reservation != null) {
                    body = in.readAllBytes();
                } else {
                    body = in.readNBytes((int) Math.min(limit, memory.largeBytes()) + 1);
                    if (body.length > memory.largeBytes()) {
                        // No declared length: room for the largest body, then for the one read.
                        reservation = reserve(limit);
                        if (reservation == null) {
                            busy(response);
                            return;
                        }
                        body = concat(body, in.readAllBytes());
                        reservation.shrinkTo(body.length);
                    }
                }
            } catch (BodyTooLargeException e) {
                problems.write(response, 413, "Content Too Large", e.getMessage(), "too-large");
                return;
            } catch (BodyReadTimeoutException e) {
                // The room in the budget is free once this returns; the answer goes with
                // Connection: close and the rest of the body is not read (UnreadBodyValve).
                problems.write(response, 408, "Request Timeout", e.getMessage(), "body-timeout");
                return;
            }
            if (!isStrictUtf8(body)) {
                // Java's decoder refuses what lenient ones let through: overlong forms, surrogates,
                // code points beyond U+10FFFF.
                problems.write(response, 400, "Malformed request body", "the body is not valid UTF-8", "malformed-body");
                return;
            }
            readPlace.run();
            request.setAttribute(JSON_BODY, body);
            chain.doFilter(new BufferedRequest(request, body), response);
        } finally {
            if (reservation != null) {
                reservation.release();
            }
        }
    }

    /**
     * The JSON body this filter read, within the limit and strictly UTF-8, for a filter after it;
     * null when the request had none. The request's input stream still gives the same bytes.
     */
    static byte[] jsonBody(HttpServletRequest request) {
        return request.getAttribute(JSON_BODY) instanceof byte[] body ? body : null;
    }

    private HeapBudget.Reservation reserve(long bodyBytes) throws IOException {
        try {
            return memory.reserve(bodyBytes, System.nanoTime() + wait.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for room for a large body", e);
        }
    }

    /** Bodies being read on this node now. */
    int bodiesBeingRead() {
        return reads.held();
    }

    private void refuseRead(HttpServletResponse response, boolean perClient) throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        if (perClient) {
            readsRefusedForClient.increment();
            problems.write(response, 429, "Too many bodies in progress", "this client has " + reads.maxPerClient()
                    + " request bodies being read (or waiting for room) on this node, its limit; let one finish first",
                    "too-many-bodies");
        } else {
            readsRefusedForNode.increment();
            problems.write(response, 503, "Service Unavailable", "this node is reading its limit of " + reads.max()
                    + " request bodies; retry later", "bodies-busy");
        }
    }

    private void busy(HttpServletResponse response) throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        problems.write(response, 503, "Service Unavailable",
                "the server is busy with other large request bodies; retry later", "large-bodies-busy");
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        if (tail.length == 0) {
            return head;
        }
        byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static boolean isJson(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
    }

    private static boolean isStrictUtf8(byte[] body) {
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** A JSON request whose body was read (within the limit) and checked up front. */
    private static final class BufferedRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            var in = new java.io.ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
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
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body was already read");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private final Duration readTimeout;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long limit, Duration readTimeout) {
            super(request);
            this.limit = limit;
            this.readTimeout = readTimeout;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), limit, readTimeout);
            }
            return stream;
        }
    }

    /**
     * A body within the size limit and the read timeout. The time is checked after each read: a
     * read that blocks is bounded by Tomcat's connection timeout, so a body ends at most that much
     * after its deadline.
     */
    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private final Duration readTimeout;
        private long read;
        /** Set at the first read, not when the stream is made: a large body may wait for room first. */
        private long deadline;
        private boolean started;

        LimitedStream(ServletInputStream in, long limit, Duration readTimeout) {
            this.in = in;
            this.limit = limit;
            this.readTimeout = readTimeout;
        }

        @Override
        public int read() throws IOException {
            start();
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            start();
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void start() {
            if (!started) {
                started = true;
                deadline = System.nanoTime() + readTimeout.toNanos();
            }
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
            if (System.nanoTime() - deadline > 0 && !in.isFinished()) {
                throw new BodyReadTimeoutException(readTimeout);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
