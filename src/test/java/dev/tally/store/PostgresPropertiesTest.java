package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PostgresPropertiesTest {

    @Test
    void setsPgjdbcsSocketTimeoutInWholeSecondsRoundedUp() {
        Properties connection = new Properties();

        new PostgresProperties(Duration.ofMillis(1500), null).applyTo(connection);

        assertThat(connection).containsEntry("socketTimeout", "2");
    }

    @Test
    void leavesASocketTimeoutTheOperatorGaveAlone() {
        Properties connection = new Properties();
        connection.setProperty("socketTimeout", "300");

        new PostgresProperties(Duration.ofSeconds(60), null).applyTo(connection);

        assertThat(connection).containsEntry("socketTimeout", "300");
    }

    @Test
    void setsNoSocketTimeoutWhenOff() {
        Properties connection = new Properties();

        new PostgresProperties(Duration.ZERO, null).applyTo(connection);

        assertThat(connection).doesNotContainKey("socketTimeout");
    }

    @Test
    void keepsBoundValuesOutOfPgjdbcsExceptionMessages() {
        Properties connection = new Properties();

        new PostgresProperties(Duration.ofSeconds(60), null).applyTo(connection);

        assertThat(connection).containsEntry("logServerErrorDetail", "false");
    }

    @Test
    void leavesTheOperatorsChoiceOfErrorDetailAlone() {
        Properties connection = new Properties();
        connection.setProperty("logServerErrorDetail", "true");

        new PostgresProperties(Duration.ofSeconds(60), null).applyTo(connection);

        assertThat(connection).containsEntry("logServerErrorDetail", "true");
    }

    @Test
    void refusesTimeoutsPgjdbcCannotTake() {
        assertThatThrownBy(() -> new PostgresProperties(Duration.ofSeconds(-1), null))
                .hasMessageContaining("tally.postgres.network-timeout");
        assertThatThrownBy(() -> new PostgresProperties(Duration.ofDays(30), null))
                .hasMessageContaining("tally.postgres.network-timeout");
    }

    @Test
    void takesAnEmptyNotificationsUrlAsNone() {
        assertThat(new PostgresProperties(Duration.ofSeconds(60), " ").notificationsUrl()).isNull();
    }

    @Test
    void refusesANotificationsUrlThatIsNotPostgres() {
        assertThatThrownBy(() -> new PostgresProperties(Duration.ofSeconds(60), "jdbc:h2:mem:tally"))
                .hasMessageContaining("tally.postgres.notifications-url");
    }
}
