package dev.tally.worker;

import dev.tally.support.PromptProcessingContract;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The local worker pool claims new jobs as soon as their submission commits, not on its poll
 * interval (here ten minutes): every committed transaction of new jobs wakes it (embedded store).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-prompt-claim;DB_CLOSE_DELAY=-1",
        "tally.worker.poll-interval=10m"
})
class PromptClaimTest extends PromptProcessingContract {
}
