package dev.tally;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Each feature package is a module: others may use only its top-level public types, no cycles. */
class ModularityTest {

    @Test
    void featureModulesRespectTheirBoundaries() {
        ApplicationModules.of(TallyApplication.class).verify();
    }
}
