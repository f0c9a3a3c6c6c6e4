package dev.tally.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.h2.engine.ConnectionInfo;
import org.h2.engine.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Tells the operator, at start, that the previous stop did not finish rewriting the embedded
 * store's file.
 *
 * <p>With {@code DEFRAG_ALWAYS=TRUE} (the default URL), H2 copies the live data into
 * {@code <file>.tempFile} as the store closes and renames the copy over the file. A stop killed
 * during the copy (a grace period shorter than the copy) or a disk that ran out leaves the old file
 * whole and the partial copy beside it. Nothing says so at the stop: H2 writes the failure to its
 * own trace file, and the pool closes its connections quietly. The next open deletes the partial
 * copy, so this looks for it before the first connection, while the data source is being made:
 * the only moment the evidence is still there.
 */
@Component
class UnfinishedStopCopyCheck implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(UnfinishedStopCopyCheck.class);

    private final Environment environment;
    private volatile boolean checked;

    UnfinishedStopCopyCheck(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource && !checked) {
            checked = true;
            String url = environment.getProperty("spring.datasource.url");
            partialCopy(url).ifPresent(UnfinishedStopCopyCheck::warn);
        }
        return bean;
    }

    /** The partial copy an unfinished stop left beside the embedded file store of this URL, if any. */
    static Optional<Path> partialCopy(String jdbcUrl) {
        Optional<Path> storeFile = storeFile(jdbcUrl);
        return storeFile.map(file -> file.resolveSibling(file.getFileName() + Constants.SUFFIX_MV_STORE_TEMP_FILE))
                .filter(Files::isRegularFile);
    }

    /** The file of an embedded H2 file store, or empty for any other store (PostgreSQL, in-memory, a server). */
    static Optional<Path> storeFile(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(Constants.START_URL)) {
            return Optional.empty();
        }
        try {
            ConnectionInfo info = new ConnectionInfo(jdbcUrl, new Properties(), null, null);
            if (!info.isPersistent() || info.isRemote()) {
                return Optional.empty();
            }
            // H2's own reading of the URL (prefixes such as file: and nio:, ~, ./) and its own file suffix.
            return Optional.of(Path.of(info.getName() + Constants.SUFFIX_MV_FILE));
        } catch (RuntimeException e) {
            // A URL H2 itself will refuse: its open reports that better than this check could.
            log.debug("not checking for an unfinished copy of the store file: {}", e.toString());
            return Optional.empty();
        }
    }

    private static void warn(Path copy) {
        log.warn("The previous stop did not finish rewriting the embedded store's file: a partial copy of {} "
                        + "was left at {} (the process was stopped before the copy ended, or the disk ran out; {} "
                        + "free now). The store file itself is whole; H2 deletes the partial copy as it opens the store, "
                        + "and the next graceful stop copies the live data again, given the time and the disk space "
                        + "(docs/deployment.md).",
                readable(size(copy)), copy, readable(freeSpace(copy)));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long freeSpace(Path file) {
        try {
            return Files.getFileStore(file).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readable(long bytes) {
        return bytes < 1 << 20 ? ((bytes + 512) >> 10) + " KB" : ((bytes + (1 << 19)) >> 20) + " MB";
    }
}
