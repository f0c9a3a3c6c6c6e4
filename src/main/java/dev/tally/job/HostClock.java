package dev.tally.job;

import java.time.Clock;

/**
 * This host's own clock, which {@link StoreClock} follows while it agrees with the store's: the
 * system's UTC clock unless the application defines this bean (tests give a node one that is off).
 */
record HostClock(Clock clock) {
}
