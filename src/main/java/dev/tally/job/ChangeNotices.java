package dev.tally.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The payloads of the job change notifications ({@link PostgresChangeNotifications}): the node's
 * id on the first line, then one change per line ({@code <job id>:<status>}, or {@code DELETED}),
 * as many as fit in one payload. PostgreSQL does the work of a notification (queueing it, waking
 * each listener, sending it) per notification, so a burst of thousands of changes costs tens of
 * notifications, not thousands. A payload of one change in the form {@code <node>:<job id>:<status>},
 * as earlier versions sent, is read too.
 */
final class ChangeNotices {

    /** PostgreSQL refuses a payload of 8,000 bytes or more (changes are ASCII: a char is a byte). */
    static final int MAX_PAYLOAD = 7_999;

    private ChangeNotices() {
    }

    /** One payload's sender and changes. */
    record Notice(String node, List<String> changes) {
    }

    /** Packs {@code changes} of {@code node}, in order, into as few payloads as fit. */
    static List<String> pack(String node, List<String> changes) {
        List<String> payloads = new ArrayList<>();
        var payload = new StringBuilder(node);
        for (String change : changes) {
            if (payload.length() + 1 + change.length() > MAX_PAYLOAD && payload.length() > node.length()) {
                payloads.add(payload.toString());
                payload.setLength(0);
                payload.append(node);
            }
            payload.append('\n').append(change);
        }
        if (payload.length() > node.length()) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    /** The node a payload came from, found without reading its changes (its own are skipped). */
    static String node(String payload) {
        int end = payload.indexOf('\n');
        if (end < 0) {
            end = payload.indexOf(':');
        }
        return end < 0 ? payload : payload.substring(0, end);
    }

    /** A payload's sender and changes; empty if it is not a change notice. */
    static Optional<Notice> read(String payload) {
        int end = payload.indexOf('\n');
        if (end < 0) {
            int colon = payload.indexOf(':');
            return colon <= 0 ? Optional.empty()
                    : Optional.of(new Notice(payload.substring(0, colon), List.of(payload.substring(colon + 1))));
        }
        String[] lines = payload.split("\n");
        return Optional.of(new Notice(lines[0], List.of(lines).subList(1, lines.length)));
    }
}
