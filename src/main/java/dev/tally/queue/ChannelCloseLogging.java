package dev.tally.queue;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.support.ConditionalExceptionLogger;

/**
 * How Spring AMQP logs a channel the broker closed. Its default logs every close but the normal
 * and expected ones at ERROR; a close for a missing exchange or queue (404 NOT_FOUND) is one
 * {@link LostTopology} handles, with a warning of its own that says what was done, so it goes to
 * DEBUG here rather than printing an ERROR at every relay pass until the topology is back.
 * Everything else is logged as Spring's default does.
 */
final class ChannelCloseLogging implements ConditionalExceptionLogger {

    private final ConditionalExceptionLogger others = new AbstractConnectionFactory.DefaultChannelCloseLogger();

    @Override
    public void log(Log logger, String message, @Nullable Throwable cause) {
        if (cause != null && LostTopology.lacksTopology(cause)) {
            if (logger.isDebugEnabled()) {
                logger.debug(message + ": " + cause.getMessage());
            }
            return;
        }
        others.log(logger, message, cause);
    }
}
