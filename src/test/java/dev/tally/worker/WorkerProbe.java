package dev.tally.worker;

import org.springframework.context.ApplicationContext;

/**
 * What the workers of a running test application are doing, for tests of other packages that must
 * wait for an attempt to end (the worker's internals are package-private).
 */
public final class WorkerProbe {

    private WorkerProbe() {
    }

    /** Attempts running right now in {@code application}, whichever queue fed them. */
    public static int attemptsInFlight(ApplicationContext application) {
        return application.getBean(AttemptRunner.class).inFlight();
    }
}
