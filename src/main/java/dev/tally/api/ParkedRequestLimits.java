package dev.tally.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Bounds the requests parked on this node: long-polls and event streams waiting for a job to
 * change. A parked request holds no thread, but it holds a connection, and the web server takes
 * only so many ({@code server.tomcat.max-connections}, 8,192); at that bound it stops accepting,
 * and every client, health checks included, waits in the accept queue. Rate limits count
 * requests, not how long they stay, so without this one client could hold every connection with
 * a few thousand event streams.
 *
 * <p>A client past its share ({@code tally.api.max-parked-per-client}) is refused with 429, any
 * request past the node's bound ({@code tally.api.max-parked}) with 503; both before anything is
 * sent. Counts are this node's: each node protects its own connections.
 */
@Component
class ParkedRequestLimits {

    private final ClientPlaces places;
    private final Counter refusedForNode;
    private final Counter refusedForClient;

    ParkedRequestLimits(ApiProperties properties, MeterRegistry meters) {
        this.places = new ClientPlaces(properties.maxParked(), properties.maxParkedPerClient());
        String description = "long-polls and event streams refused: the node's bound or the client's share reached";
        this.refusedForNode = Counter.builder("tally.api.parked.refused").tag("bound", "node")
                .description(description).register(meters);
        this.refusedForClient = Counter.builder("tally.api.parked.refused").tag("bound", "client")
                .description(description).register(meters);
    }

    /**
     * Takes a place for one parked request of {@code client}, or refuses it.
     *
     * @return what gives the place back; it may be run more than once
     * @throws TooManyParkedException when the client or the node holds its bound
     */
    Runnable admit(String client) {
        try {
            return places.take(client);
        } catch (ClientPlaces.Refused e) {
            if (e.perClient()) {
                refusedForClient.increment();
                throw new TooManyParkedException(true, "this client holds " + places.maxPerClient()
                        + " open long-polls and event streams on this node, its limit; let one end first");
            }
            refusedForNode.increment();
            throw new TooManyParkedException(false, "this node holds its limit of " + places.max()
                    + " open long-polls and event streams; try again shortly");
        }
    }

    /** The client's parked requests on this node now. */
    int parked(String client) {
        return places.held(client);
    }

    /** Every parked request on this node now. */
    int parked() {
        return places.held();
    }

    /** A long-poll or event stream refused by {@link ParkedRequestLimits}. */
    static final class TooManyParkedException extends RuntimeException {

        private final boolean perClient;

        TooManyParkedException(boolean perClient, String message) {
            super(message);
            this.perClient = perClient;
        }

        /** True when the client's own share was reached (429), false for the node's bound (503). */
        boolean perClient() {
            return perClient;
        }
    }
}
