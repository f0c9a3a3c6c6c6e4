package dev.tally.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Spring Boot's tracing is configured exactly when an OTLP endpoint says where spans go. */
class TracingSwitchTest {

    static final String[] CONFIGURATIONS = {
            "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"
    };

    @Test
    void leavesTracingOutWithoutAnEndpointButKeepsTheNoOpTracer() {
        assertThat(matches(Map.of())).containsExactly(false, false, true, true);
    }

    @Test
    void configuresTracingWithAnEndpointForTraces() {
        assertThat(matches(Map.of("management.opentelemetry.tracing.export.otlp.endpoint",
                "http://collector:4318/v1/traces"))).containsExactly(true, true, true, true);
    }

    @Test
    void configuresTracingWithAnEndpointForAllSignals() {
        assertThat(matches(Map.of("management.opentelemetry.otlp.endpoint", "http://collector:4318")))
                .containsExactly(true, true, true, true);
    }

    @Test
    void leavesTracingOutWhenOpenTelemetryIsTurnedOff() {
        assertThat(matches(Map.of("management.opentelemetry.enabled", "false",
                "management.opentelemetry.tracing.export.otlp.endpoint", "http://collector:4318/v1/traces")))
                .containsExactly(false, false, true, true);
    }

    @Test
    void takesABlankEndpointForNone() {
        assertThat(matches(Map.of("management.opentelemetry.tracing.export.otlp.endpoint", " ")))
                .containsExactly(false, false, true, true);
    }

    private static boolean[] matches(Map<String, Object> settings) {
        var environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("settings", settings));
        var filter = new TracingSwitch();
        filter.setEnvironment(environment);
        return filter.match(CONFIGURATIONS, null);
    }
}
