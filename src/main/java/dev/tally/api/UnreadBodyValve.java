package dev.tally.api;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.net.ApplicationBufferHandler;

/**
 * Lets go of a request body nobody read when its answer is done: what of it has arrived is
 * dropped without waiting, and if more is still to come the connection is closed instead of read
 * on. Tomcat otherwise reads the rest before the connection takes its next request (up to
 * {@code server.tomcat.max-swallow-size}, each read waiting up to the connection timeout), on a
 * request thread: a request refused before its body was read (no valid credentials, a rate limit,
 * too large, too many bodies at once) whose body trickled in a byte at a time held a thread for
 * as long as the trickle lasted, and on Java 17, whose request threads are platform threads, a
 * few hundred of them left every other request, health checks included, unanswered.
 *
 * <p>A body of declared length that has arrived whole, as a small one has by the time it is
 * refused, is dropped at once and the connection serves the next request. Otherwise the answer
 * is sent with {@code Connection: close} and the connection closed: a client still sending may
 * see the answer or a reset, as with any server that stops reading an upload it refused. A
 * chunked body is never read here: parsing a chunk's header may wait on the network. A request
 * answered asynchronously (a long-poll, an event stream) is left to Tomcat, which closes its
 * connection without reading on when the answer ends (a JSON body was read before the wait began).
 */
final class UnreadBodyValve extends ValveBase {

    /** The most of an unread body dropped from what has arrived; more closes the connection. */
    static final int MAX_DROPPED_BYTES = 1024 * 1024;

    UnreadBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        if (!request.isAsync() && !droppedWhatIsLeft(request.getCoyoteRequest())) {
            close(request, response);
        }
    }

    /**
     * Drops the rest of the body if it has all arrived (and is of declared length).
     *
     * @return whether nothing of the body is left to come
     */
    static boolean droppedWhatIsLeft(org.apache.coyote.Request request) {
        if (request.isFinished()) {
            return true;
        }
        if (request.getContentLengthLong() < 0) {
            return false;
        }
        Dropped dropped = new Dropped();
        long total = 0;
        try {
            while (!request.isFinished()) {
                // A read that does not wait: only what the connection holds already.
                request.action(ActionCode.AVAILABLE, Boolean.TRUE);
                if (request.getAvailable() <= 0 || total > MAX_DROPPED_BYTES) {
                    return false;
                }
                int n = request.doRead(dropped);
                if (n <= 0) {
                    return false;
                }
                total += n;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends the answer as it is, saying the connection closes, then has Tomcat close it without
     * reading on. The answer goes first: closing marks the exchange as failed, which would make
     * an answer not yet sent a 500.
     */
    private static void close(Request request, Response response) {
        if (!response.isCommitted()) {
            response.setHeader("Connection", "close");
            try {
                response.flushBuffer();
            } catch (IOException e) {
                // the client is gone: the connection closes either way
            }
        }
        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
    }

    /** Where Tomcat puts the bytes read: nowhere, they are dropped. */
    private static final class Dropped implements ApplicationBufferHandler {

        private ByteBuffer buffer = ByteBuffer.allocate(0);

        @Override
        public void setByteBuffer(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer getByteBuffer() {
            return buffer;
        }

        @Override
        public void expand(int size) {
            // nothing kept, nothing to grow
        }
    }
}
