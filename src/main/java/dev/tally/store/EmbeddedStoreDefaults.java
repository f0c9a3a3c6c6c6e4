package dev.tally.store;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Gives an embedded H2 file store the settings Tally's default URL names, when a URL of the
 * user's own leaves them out (a store moved with {@code spring.datasource.url=jdbc:h2:file:/srv/tally/jobs}
 * names none): above all {@code WRITE_DELAY=0}, without which H2 holds commits in memory for up to
 * half a second and a job answered {@code 202} was lost when the process died (CrashRecoveryTest);
 * {@code DB_CLOSE_ON_EXIT=FALSE}, so that H2's own shutdown hook does not close the store under a
 * graceful stop; the statement cache and the copy on stop of the default. A setting the URL names
 * is left as it is; a write delay other than 0 is warned about.
 */
@Component
class EmbeddedStoreDefaults implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStoreDefaults.class);

    /** The settings of the default URL (application.yml), in its order. */
    static final Map<String, String> SETTINGS = settings();

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("WRITE_DELAY", "0");
        settings.put("DB_CLOSE_ON_EXIT", "FALSE");
        settings.put("QUERY_CACHE_SIZE", "128");
        settings.put("DEFRAG_ALWAYS", "TRUE");
        return Collections.unmodifiableMap(settings);
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null && isFileStore(pool.getJdbcUrl())) {
            Map<String, String> named = named(pool.getJdbcUrl());
            String missing = missing(named);
            if (!missing.isEmpty()) {
                pool.setJdbcUrl(pool.getJdbcUrl() + missing);
                log.info("embedded store: spring.datasource.url completed with Tally's settings {}", missing);
            }
            String writeDelay = named.get("WRITE_DELAY");
            if (writeDelay != null && !writeDelay.equals("0")) {
                log.warn("embedded store: spring.datasource.url sets WRITE_DELAY={}: H2 holds commits that long before"
                        + " writing them, and jobs answered 202 meanwhile are lost if the process dies", writeDelay);
            }
        }
        return bean;
    }

    /** {@code url} with the {@link #SETTINGS} it does not name appended, if it is an H2 file store's; else as it is. */
    static String complete(String url) {
        return isFileStore(url) ? url + missing(named(url)) : url;
    }

    /** The {@link #SETTINGS} not among {@code named}, as a URL's {@code ;KEY=VALUE} suffix. */
    private static String missing(Map<String, String> named) {
        StringBuilder missing = new StringBuilder();
        SETTINGS.forEach((key, value) -> {
            if (!named.containsKey(key)) {
                missing.append(';').append(key).append('=').append(value);
            }
        });
        return missing.toString();
    }

    /** An H2 store in a file this process opens (not in memory, not a server's), as H2 reads the URL. */
    static boolean isFileStore(String url) {
        return UnfinishedStopCopyCheck.storeFile(url).isPresent();
    }

    /** The settings {@code url} names after its path, by upper-case key. */
    private static Map<String, String> named(String url) {
        Map<String, String> named = new LinkedHashMap<>();
        String[] parts = url.split(";");
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            if (equals > 0) {
                named.put(parts[i].substring(0, equals).trim().toUpperCase(Locale.ROOT), parts[i].substring(equals + 1).trim());
            }
        }
        return named;
    }
}
