package dev.tally;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import dev.tally.signal.SurvivingTask;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * A node's repeating background work is scheduled through {@link SurvivingTask}: a task a
 * scheduler runs is never run again once it throws, silently, with the node still ready.
 */
class BackgroundTasksTest {

    /**
     * Repeating work of one request, not of the node: an event stream's pings (the stream ends at
     * its timeout all the same) and a fetch's watchdog (the fetch's socket timeouts still bound it).
     */
    private static final Set<String> PER_REQUEST = Set.of(
            "dev.tally.api.JobEventStreams.open",
            "dev.tally.fetch.HttpPageFetcher$Watchdog.<init>");

    @Test
    void everyRepeatingTaskOfTheNodeSurvivesItsFailures() {
        var classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tally");

        codeUnits().that(scheduleRepeatingWork()).and(isNotPerRequest())
                .should(wrapItInASurvivingTask())
                .check(classes);
    }

    private static DescribedPredicate<JavaCodeUnit> scheduleRepeatingWork() {
        return DescribedPredicate.describe("schedule repeating work", unit -> unit.getMethodCallsFromSelf().stream()
                .anyMatch(call -> call.getTargetOwner().isAssignableTo(ScheduledExecutorService.class)
                        && (call.getName().equals("scheduleWithFixedDelay") || call.getName().equals("scheduleAtFixedRate"))));
    }

    private static DescribedPredicate<JavaCodeUnit> isNotPerRequest() {
        return DescribedPredicate.describe("are not one request's own",
                unit -> !PER_REQUEST.contains(unit.getOwner().getName() + "." + unit.getName()));
    }

    private static ArchCondition<JavaCodeUnit> wrapItInASurvivingTask() {
        return ArchCondition.from(DescribedPredicate.describe("wrap it in SurvivingTask.of",
                unit -> unit.getMethodCallsFromSelf().stream()
                        .anyMatch(call -> call.getTargetOwner().isEquivalentTo(SurvivingTask.class)
                                && call.getName().equals("of"))));
    }
}
