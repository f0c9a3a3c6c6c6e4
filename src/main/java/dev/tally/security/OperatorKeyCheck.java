package dev.tally.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Warns at start when metrics are an operator's but no live API key is: keys created before roles
 * existed are clients', so a scraper using one gets 403 from the upgrade on. The log says what to do.
 */
@Component
class OperatorKeyCheck {

    private static final Logger log = LoggerFactory.getLogger(OperatorKeyCheck.class);

    private final AuthProperties auth;
    private final ApiKeyStore keys;

    OperatorKeyCheck(AuthProperties auth, ApiKeyStore keys) {
        this.auth = auth;
        this.keys = keys;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnWithoutAnOperatorKey() {
        if (auth.mode() != AuthProperties.Mode.API_KEY || !auth.protectActuator()
                || auth.actuatorAccess() != AuthProperties.ActuatorAccess.OPERATORS) {
            return;
        }
        try {
            if (keys.liveOperators() == 0) {
                log.warn("no live operator key: /actuator/prometheus and /actuator/sbom answer 403 to every API key."
                        + " Give the scraper's key the role (java -jar tally.jar keys role <prefix> operator), create one"
                        + " (keys create --name prometheus --role operator), or set tally.auth.actuator-access=clients");
            }
        } catch (DataAccessException e) {
            log.debug("operator keys not counted: {}", e.getMessage()); // the store's outage is reported elsewhere
        }
    }
}
