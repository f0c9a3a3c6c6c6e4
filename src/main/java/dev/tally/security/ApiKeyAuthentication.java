package dev.tally.security;

import java.util.List;
import java.util.UUID;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A request authenticated by an API key; the secret itself is never kept here. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final UUID keyId;
    private final String name;
    private final Integer rateLimitPerMinute;

    private static final List<SimpleGrantedAuthority> CLIENT = List.of(new SimpleGrantedAuthority("ROLE_CLIENT"));
    private static final List<SimpleGrantedAuthority> OPERATOR = List.of(new SimpleGrantedAuthority("ROLE_CLIENT"),
            new SimpleGrantedAuthority(SecurityConfiguration.OPERATOR_AUTHORITY));

    ApiKeyAuthentication(UUID keyId, String name, ApiKeyStore.Role role, Integer rateLimitPerMinute) {
        super(role == ApiKeyStore.Role.OPERATOR ? OPERATOR : CLIENT);
        this.keyId = keyId;
        this.name = name;
        this.rateLimitPerMinute = rateLimitPerMinute;
        setAuthenticated(true);
    }

    UUID keyId() {
        return keyId;
    }

    Integer rateLimitPerMinute() {
        return rateLimitPerMinute;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return name;
    }
}
