package dev.tally.security;

/**
 * Whether the credential a request was authenticated with still holds, for what outlives the
 * request's own check (an event stream open for up to 30 minutes): an API key not revoked since,
 * a token not expired since. Always true when authentication is off.
 */
@FunctionalInterface
public interface CredentialCheck {

    /** @return false once the credential was revoked or expired; true while its store cannot tell */
    boolean holds();
}
