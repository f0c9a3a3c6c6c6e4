package dev.tally.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start refused for an actuator at the root with authentication on. */
final class ActuatorAtTheRootFailure extends AbstractFailureAnalyzer<ActuatorAtTheRootException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ActuatorAtTheRootException cause) {
        return new FailureAnalysis(cause.getMessage() + ".",
                "Keep a base path such as /actuator (the default), also on management.server.port.", cause);
    }
}
