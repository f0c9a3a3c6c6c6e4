package dev.tally.correlation;

import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Turns tracing on only when there is somewhere to send the spans: an OTLP endpoint is set
 * ({@link #ENDPOINTS}) and OpenTelemetry is not turned off ({@code management.opentelemetry.enabled}).
 * Otherwise Spring Boot's tracing auto-configurations are left out, the tracer is Micrometer's
 * no-op one, and no request or job pays for spans nobody collects: with the OpenTelemetry starter
 * on the class path Spring Boot would make a span of every request (recording a tenth of them),
 * propagate it and put its ids in the logging context, endpoint or not; turning OpenTelemetry's SDK
 * off still leaves a tracer that makes and propagates spans.
 *
 * <p>An auto-configuration import filter rather than a default setting: it sees every source of
 * settings the application context has when its configuration is read (a test's dynamic ones too),
 * and needs no list of exclusions that a user's {@code spring.autoconfigure.exclude} would replace.
 */
class TracingSwitch implements AutoConfigurationImportFilter, EnvironmentAware {

    /** Spring Boot's settings of where to send spans: the tracing-specific one, or the one for all signals. */
    static final List<String> ENDPOINTS = List.of(
            "management.opentelemetry.tracing.export.otlp.endpoint",
            "management.opentelemetry.otlp.endpoint");

    private static final String TRACING_AUTO_CONFIGURATIONS = "org.springframework.boot.micrometer.tracing.";
    /** Kept when tracing is off: it gives the application the no-op tracer. */
    private static final String NO_OP_TRACER =
            "org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean tracing = tracingOn(environment);
        boolean[] matches = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < matches.length; i++) {
            String name = autoConfigurationClasses[i];
            matches[i] = tracing || name == null || !name.startsWith(TRACING_AUTO_CONFIGURATIONS) || name.equals(NO_OP_TRACER);
        }
        return matches;
    }

    /** Whether spans are made and exported with these settings. */
    static boolean tracingOn(Environment environment) {
        if (!environment.getProperty("management.opentelemetry.enabled", Boolean.class, true)) {
            return false;
        }
        return ENDPOINTS.stream().anyMatch(name -> StringUtils.hasText(environment.getProperty(name)));
    }
}
