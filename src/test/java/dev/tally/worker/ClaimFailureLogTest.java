package dev.tally.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/** A store outage of an hour is a handful of log lines, not one per poll. */
class ClaimFailureLogTest {

    private static final RuntimeException OUTAGE =
            new DataAccessResourceFailureException("the job store takes no writes (SQLSTATE 25006, read_only_sql_transaction)");

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private long now;
    private ClaimFailureLog claims;

    @BeforeEach
    void setUp() {
        Logger logger = new LoggerContext().getLogger("claims");
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
        claims = new ClaimFailureLog(logger, Duration.ofSeconds(1), () -> now);
    }

    @Test
    void warnsAtTheFirstFailureAndThenOnceAMinuteWhileClaimsKeepFailing() {
        for (int second = 0; second < 150; second++) {
            now = Duration.ofSeconds(second).toNanos();
            claims.failed(OUTAGE);
        }

        List<String> warnings = lines.list.stream().filter(line -> line.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(0)).startsWith("could not claim jobs; trying again every PT1S: the job store takes no writes");
        assertThat(warnings.get(1)).startsWith("still cannot claim jobs (61 attempts in 60 s)");
        assertThat(warnings.get(2)).startsWith("still cannot claim jobs (121 attempts in 120 s)");
    }

    @Test
    void saysOnceWhenClaimsWorkAgainAndStartsAfreshAtTheNextOutage() {
        for (int second = 0; second < 5; second++) {
            now = Duration.ofSeconds(second).toNanos();
            claims.failed(OUTAGE);
        }
        now = Duration.ofSeconds(5).toNanos();
        claims.succeeded();
        claims.succeeded();
        now = Duration.ofSeconds(30).toNanos();
        claims.failed(OUTAGE);

        assertThat(lines.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.WARN, "could not claim jobs; trying again every PT1S: " + OUTAGE.getMessage()),
                tuple(Level.INFO, "claiming jobs again after 5 failed attempt(s) in 5 s"),
                tuple(Level.WARN, "could not claim jobs; trying again every PT1S: " + OUTAGE.getMessage()));
    }
}
