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

        new PostgresProperties(Duration.ofMillis(1500)).applyTo(connection);

        assertThat(connection).containsEntry("socketTimeout", "2");
    }

    @Test
    void leavesASocketTimeoutTheOperatorGaveAlone() {
        Properties connection = new Properties();
        connection.setProperty("socketTimeout", "300");

        new PostgresProperties(Duration.ofSeconds(60)).applyTo(connection);

        assertThat(connection).containsEntry("socketTimeout", "300");
    }

    @Test
    void setsNoSocketTimeoutWhenOff() {
        Properties connection = new Properties();

        new PostgresProperties(Duration.ZERO).applyTo(connection);

        assertThat(connection).doesNotContainKey("socketTimeout");
    }

    @Test
    void keepsBoundValuesOutOfPgjdbcsExceptionMessages() {
        Properties connection = new Properties();

        new PostgresProperties(Duration.ofSeconds(60)).applyTo(connection);

        assertThat(connection).containsEntry("logServerErrorDetail", "false");
    }

    @Test
    void leavesTheOperatorsChoiceOfErrorDetailAlone() {
        Properties connection = new Properties();
        connection.setProperty("logServerErrorDetail", "true");

        new PostgresProperties(Duration.ofSeconds(60)).applyTo(connection);

        assertThat(connection).containsEntry("logServerErrorDetail", "true");
    }

    @Test
    void refusesTimeoutsPgjdbcCannotTake() {
        assertThatThrownBy(() -> new PostgresProperties(Duration.ofSeconds(-1)))
                .hasMessageContaining("tally.postgres.network-timeout");
        assertThatThrownBy(() -> new PostgresProperties(Duration.ofDays(30)))
                .hasMessageContaining("tally.postgres.network-timeout");
    }
}
