package dev.tally.queue;

import dev.tally.support.Infrastructure;
import dev.tally.support.TallyProcess;
import dev.tally.worker.GracefulShutdownContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link GracefulShutdownContract} on a node consuming the broker (real PostgreSQL and RabbitMQ):
 * its listeners stop taking messages, its worker threads finish running jobs within the grace
 * period, and jobs still running after it go back to the queue for the next node.
 */
class RabbitWorkerShutdownTest extends GracefulShutdownContract {

    private final String schema = Infrastructure.uniqueName("shutdown");
    private final String prefix = Infrastructure.uniqueName("tally-shutdown");

    @AfterEach
    void removeTestNames() {
        Infrastructure.dropSchema(schema);
        Infrastructure.deleteRabbitNames(prefix);
    }

    @Override
    protected TallyProcess start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(Infrastructure.distributedArgs(schema, prefix));
        args.add("--tally.fetch.allow-private-networks=true");
        args.addAll(List.of(extra));
        return TallyProcess.start(workDir, args);
    }

    @Override
    protected String pages() {
        return "/rabbit-graceful";
    }
}
