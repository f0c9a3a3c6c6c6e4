package dev.tally.security;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

/** The credentials of the current request, checked again later ({@link CredentialCheck}). */
@Component
public class RequestCredentials {

    private static final Logger log = LoggerFactory.getLogger(RequestCredentials.class);

    private final ApiKeyStore keys;
    private final Clock clock;

    RequestCredentials(ApiKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** A check of the credential the current request was authenticated with, to be made later. */
    public CredentialCheck current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof ApiKeyAuthentication key) {
            UUID id = key.keyId();
            return () -> isLive(id);
        }
        if (auth instanceof JwtAuthenticationToken jwt && jwt.getToken().getExpiresAt() != null) {
            Instant expires = jwt.getToken().getExpiresAt();
            return () -> clock.instant().isBefore(expires);
        }
        return () -> true;
    }

    /** A store that cannot answer now ends nothing: the outage is not the client's doing. */
    private boolean isLive(UUID id) {
        try {
            return keys.isLive(id);
        } catch (RuntimeException e) {
            log.debug("could not check API key {} again: {}", id, e.getMessage());
            return true;
        }
    }
}
