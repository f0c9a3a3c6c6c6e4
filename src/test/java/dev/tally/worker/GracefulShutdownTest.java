package dev.tally.worker;

import dev.tally.support.TallyProcess;
import java.util.ArrayList;
import java.util.List;

/** {@link GracefulShutdownContract} on the embedded default: the next start of the same node runs what was handed back. */
class GracefulShutdownTest extends GracefulShutdownContract {

    @Override
    protected TallyProcess start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--tally.fetch.allow-private-networks=true"));
        args.addAll(List.of(extra));
        return TallyProcess.start(workDir, args);
    }

    @Override
    protected String pages() {
        return "/graceful";
    }
}
