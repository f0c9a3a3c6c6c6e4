package db.migration;

import java.sql.Connection;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On the embedded store (H2), submitted texts move from in-row bytes to H2's LOB storage.
 *
 * <p>H2 keeps in-row values inside its B-tree pages and writes a changed page whole, and its
 * background compaction rewrites live pages: with tens of 10 MB texts waiting, deleting the text
 * of each finished job made it serialize pages of several texts at once (a 167 MB write buffer)
 * and a 512 MB heap ran out, failing the store. LOB storage keeps a large value in small blocks
 * of its own. PostgreSQL stores large values out of line already (TOAST): nothing changes there.
 */
public class V9__Embedded_text_as_lob extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        if (!"H2".equals(connection.getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE job_text ALTER COLUMN content SET DATA TYPE BLOB");
        }
    }
}
