package dev.tally.job;

import java.util.List;
import java.util.UUID;

/**
 * What a re-dispatch of named jobs did ({@link JobDispatches#redispatch}).
 *
 * @param sent the jobs given a new dispatch record
 * @param inFlight the jobs whose record a relay is sending right now (locked by its transaction),
 *     to be asked about again once it has ended
 */
public record Redispatched(List<UUID> sent, List<UUID> inFlight) {
}
