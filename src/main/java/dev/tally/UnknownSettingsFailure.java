package dev.tally;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start stopped by a {@code tally.*} setting Tally does not have, with the names it does have. */
final class UnknownSettingsFailure extends AbstractFailureAnalyzer<UnknownSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnknownSettingsException cause) {
        return new FailureAnalysis(
                cause.getMessage()
                        + ". A misspelt setting would leave the service on the default it was meant to change.",
                "Correct or remove it (docs/configuration.md lists every setting):\n" + cause.suggestions(),
                cause);
    }
}
