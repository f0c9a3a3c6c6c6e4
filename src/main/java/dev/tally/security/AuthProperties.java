package dev.tally.security;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may call Tally ({@code tally.auth.*}) and from which browser origins ({@code tally.cors.*}).
 *
 * @param mode {@code none} (the embedded default, listening on localhost only), {@code api-key}
 *     (Bearer API keys created with {@code java -jar tally.jar keys create}) or {@code jwt} (OAuth2
 *     bearer tokens validated by Spring Security's resource server, configured with
 *     {@code spring.security.oauth2.resourceserver.jwt.*})
 * @param protectActuator whether actuator endpoints other than health and info need credentials
 *     too when authentication is on (alternatively, serve them on {@code management.server.port})
 * @param actuatorAccess who may read those protected actuator endpoints (metrics cover every
 *     client): {@code operators} (the default: keys created with {@code --role operator}, tokens
 *     with the scope {@code tally.operator}; any other credential gets 403) or {@code clients}
 *     (any valid credential, as before 2026-12-08)
 */
@Validated
@ConfigurationProperties("tally.auth")
public record AuthProperties(
        @NotNull @DefaultValue("none") Mode mode,
        @DefaultValue("true") boolean protectActuator,
        @NotNull @DefaultValue("operators") ActuatorAccess actuatorAccess) {

    /** Authentication modes. */
    public enum Mode { NONE, API_KEY, JWT }

    /** Who may read the protected actuator endpoints. */
    public enum ActuatorAccess { OPERATORS, CLIENTS }

    /**
     * Host names requests may name in {@code Host} besides the loopback ones ({@code localhost},
     * {@code *.localhost}, 127.x.x.x, [::1]), which are always taken; {@code *} takes any. Empty
     * (the default): loopback names only while the server listens on a loopback address (the
     * default), any name otherwise ({@link HostCheck}).
     */
    @ConfigurationProperties("tally.hosts")
    public record Hosts(@DefaultValue("") List<String> allowed) {
    }

    /** Browser origins allowed to call the API; empty (the default) means no cross-origin access. */
    @ConfigurationProperties("tally.cors")
    public record Cors(@DefaultValue("") List<String> allowedOrigins) {
    }
}
