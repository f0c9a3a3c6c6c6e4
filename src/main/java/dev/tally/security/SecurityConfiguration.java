package dev.tally.security;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.converter.Converter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.servlet.HandlerExceptionResolver;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call what. Always: stateless, no CSRF (no cookies), security headers (CSP,
 * X-Content-Type-Options, frame options, Referrer-Policy), CORS only for configured origins,
 * health endpoints, the dashboard's files and the API docs open. With {@code tally.auth.mode}
 * api-key or jwt, everything else needs a Bearer credential (401 problem+json otherwise); rate
 * limits apply per client when enabled.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /**
     * What an operator's credential carries: a key created with {@code --role operator}, or a
     * token's scope {@value #OPERATOR_SCOPE}, which Spring Security's resource server grants as
     * {@code SCOPE_tally.operator}.
     */
    static final String OPERATOR_AUTHORITY = "SCOPE_tally.operator";
    static final String OPERATOR_SCOPE = "tally.operator";

    private static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    private static final String DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /** The dashboard runs its own script and calls the API of its own origin, nothing else. */
    private static final String DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /**
     * No Spring Security observations: they feed tracing, which Tally does not set up, and wrapping
     * every filter of the chain in one costs more per request than the chain itself. Request
     * metrics ({@code http.server.requests}) are not affected.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    ApiKeyStore apiKeyStore(JdbcClient jdbc, Clock clock) {
        return new ApiKeyStore(jdbc, clock);
    }

    @Bean
    ProblemAuthenticationEntryPoint problemAuthenticationEntryPoint(JsonMapper json,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors) {
        return new ProblemAuthenticationEntryPoint(json, errors);
    }

    /**
     * A request the firewall refuses (an encoded slash, a dot segment, a doubled slash, a
     * semicolon or a control character in the path, a method outside the standard ones) is
     * answered 400 problem+json saying which rule it broke, instead of a bare 400 sent to the
     * container's error page.
     */
    @Bean
    RequestRejectedHandler problemRequestRejectedHandler(ProblemAuthenticationEntryPoint problems, SecurityHeaders headers) {
        return (request, response, rejected) -> {
            headers.write(request, response); // the firewall refuses before any chain's header filter
            problems.write(response, 400, "Bad Request", rejected.getMessage(), "malformed-request");
        };
    }

    /** The API's security headers, for the answers made outside the filter chains. */
    @Bean
    SecurityHeaders securityHeaders() {
        return new SecurityHeaders(headerWriters(API_CSP));
    }

    /**
     * Spring Security's defaults (cache control, X-XSS-Protection 0, nosniff, HSTS on HTTPS, frames
     * denied) and the CSP and referrer policy: one list for a chain's header filter, its error
     * dispatches and the answers made outside the chains. Each writer leaves a header the response has.
     */
    private static List<HeaderWriter> headerWriters(String csp) {
        return List.of(
                new CacheControlHeadersWriter(),
                new XXssProtectionHeaderWriter(),
                new XContentTypeOptionsHeaderWriter(),
                new HstsHeaderWriter(),
                new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY),
                new ContentSecurityPolicyHeaderWriter(csp),
                new ReferrerPolicyHeaderWriter(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER));
    }

    /**
     * A token's subject is its client ({@link CurrentClient}): tokens without one all acted as one
     * client, {@code jwt:null}, owning each other's jobs and sharing one rate limit.
     */
    private static Converter<Jwt, AbstractAuthenticationToken> subjectRequired() {
        var authorities = new JwtAuthenticationConverter();
        return jwt -> {
            if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
                throw new InvalidBearerTokenException("the token names no subject (sub)");
            }
            return authorities.convert(jwt);
        };
    }

    /**
     * What the API's chain lets anyone call: health (the compatible API's and the probes'), info,
     * the error page, and the rest of the actuator unless {@code tally.auth.protect-actuator}.
     */
    static UriMatcher openPaths(boolean protectActuator, String actuator) {
        return protectActuator
                ? new UriMatcher(List.of("/health", actuator + "/health", actuator + "/info", "/error"), List.of(actuator + "/health/"))
                : new UriMatcher(List.of("/health", actuator, "/error"), List.of(actuator + "/"));
    }

    /** The actuator's endpoints, under {@code actuator}; those of them not open are an operator's when so configured. */
    static UriMatcher actuatorPaths(String actuator) {
        return new UriMatcher(List.of(actuator), List.of(actuator + "/"));
    }

    /**
     * The actuator's base path ({@code management.endpoints.web.base-path}), without a trailing
     * slash. The root is refused while credentials are checked: its endpoints' paths could not be
     * told from the API's, and which of them are open or an operator's would be guesswork.
     */
    static String actuatorBasePath(String configured, AuthProperties auth) {
        String path = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        if (path.isEmpty() && auth.mode() != AuthProperties.Mode.NONE) {
            throw new ActuatorAtTheRootException(configured, auth.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return path;
    }

    /** The API documentation: readable by anyone, with a CSP that lets Swagger UI run. */
    @Bean
    @Order(1)
    SecurityFilterChain docsChain(HttpSecurity http, AuthProperties.Cors cors) throws Exception {
        http.securityMatcher(new UriMatcher(List.of("/swagger-ui.html", "/swagger-ui", "/v3/api-docs"),
                        List.of("/swagger-ui/", "/v3/api-docs/")))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return common(http, cors, DOCS_CSP).build();
    }

    /**
     * The dashboard's page and files: static and open to anyone (what it shows it reads from the
     * API with the key the user types), with a CSP that lets its own script run.
     */
    @Bean
    @Order(1)
    SecurityFilterChain dashboardChain(HttpSecurity http, AuthProperties.Cors cors) throws Exception {
        http.securityMatcher(new UriMatcher(List.of("/", "/dashboard"), List.of("/dashboard/")))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return common(http, cors, DASHBOARD_CSP).build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiChain(HttpSecurity http, AuthProperties auth, AuthProperties.Cors cors,
                                 RateLimitProperties rateLimits, ApiKeyStore keys,
                                 ProblemAuthenticationEntryPoint entryPoint, SharedRateLimitBuckets sharedBuckets,
                                 @Value("${management.endpoints.web.base-path:/actuator}") String actuatorBasePath)
            throws Exception {
        common(http, cors, API_CSP);
        http.exceptionHandling(e -> e.authenticationEntryPoint(entryPoint));
        if (auth.mode() == AuthProperties.Mode.NONE) {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        } else {
            String actuator = actuatorBasePath(actuatorBasePath, auth);
            UriMatcher open = openPaths(auth.protectActuator(), actuator);
            UriMatcher operators = actuatorPaths(actuator);
            boolean operatorsOnly = auth.protectActuator() && auth.actuatorAccess() == AuthProperties.ActuatorAccess.OPERATORS;
            // By the path as served, as the key filter and the token resolver skip them: /%68ealth is /health.
            http.authorizeHttpRequests(a -> {
                a.requestMatchers(open::matchesDecoded).permitAll();
                if (operatorsOnly) {
                    a.requestMatchers(operators::matchesDecoded).hasAuthority(OPERATOR_AUTHORITY);
                }
                a.anyRequest().authenticated();
            });
            http.exceptionHandling(e -> e.accessDeniedHandler((request, response, denied) ->
                    entryPoint.forbid(response, "insufficient_scope", OPERATOR_SCOPE,
                            "this endpoint is an operator's: a key created with --role operator, or a token with the scope "
                                    + OPERATOR_SCOPE)));
            // An open path is answered whatever credential comes with it: a probe or an old client
            // sending a stale key or an expired token with every request got 401 for its health.
            if (auth.mode() == AuthProperties.Mode.API_KEY) {
                http.addFilterBefore(new ApiKeyAuthenticationFilter(keys, entryPoint, open), AnonymousAuthenticationFilter.class);
            } else {
                var tokens = new DefaultBearerTokenResolver();
                http.oauth2ResourceServer(o -> o.jwt(jwt -> jwt.jwtAuthenticationConverter(subjectRequired()))
                        .authenticationEntryPoint(entryPoint)
                        .bearerTokenResolver(request -> open.matchesDecoded(request) ? null : tokens.resolve(request)));
            }
        }
        if (rateLimits.enabled()) {
            http.addFilterBefore(new RateLimitFilter(rateLimits, sharedBuckets.manager(), entryPoint), AuthorizationFilter.class);
        }
        return http.build();
    }

    private static HttpSecurity common(HttpSecurity http, AuthProperties.Cors cors, String csp) throws Exception {
        List<HeaderWriter> headers = headerWriters(csp);
        http.csrf(c -> c.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(r -> r.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Nothing reads the caller through the servlet API (request.getUserPrincipal()):
                // CurrentClient reads the security context. So no request wrapper on every call.
                .servletApi(s -> s.disable())
                .headers(h -> {
                    // One list (headerWriters), which the error dispatches' filter below writes too.
                    h.defaultsDisabled();
                    headers.forEach(h::addHeaderWriter);
                    // Written before the request is handled rather than when the response
                    // commits: the latter wraps the response and checks the content length at
                    // every write. The same headers either way; Tally sets none of them itself.
                    h.withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                        @Override
                        public <O extends HeaderWriterFilter> O postProcess(O filter) {
                            filter.setShouldWriteHeadersEagerly(true);
                            return filter;
                        }
                    });
                })
                .addFilterAfter(new ErrorDispatchHeaders(headers), HeaderWriterFilter.class);
        List<String> origins = cors.allowedOrigins().stream().filter(o -> !o.isBlank()).toList();
        if (origins.isEmpty()) {
            http.cors(c -> c.disable());
        } else {
            var configuration = new CorsConfiguration();
            configuration.setAllowedOrigins(origins);
            configuration.setAllowedMethods(List.of("GET", "POST", "DELETE", "OPTIONS"));
            configuration.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key",
                    "If-None-Match", "Last-Event-ID"));
            configuration.setExposedHeaders(List.of("ETag", "Last-Modified", "Location", "Retry-After", "RateLimit",
                    "RateLimit-Policy", "Idempotent-Replayed"));
            configuration.setMaxAge(600L);
            var source = new UrlBasedCorsConfigurationSource();
            source.registerCorsConfiguration("/**", configuration);
            http.cors(c -> c.configurationSource(source));
        }
        return http;
    }
}
