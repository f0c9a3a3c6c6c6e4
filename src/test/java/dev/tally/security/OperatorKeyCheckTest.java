package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The start's warning for an upgrade whose keys are all clients' while metrics became an operator's. */
@ExtendWith(OutputCaptureExtension.class)
class OperatorKeyCheckTest {

    private static final AuthProperties API_KEYS = new AuthProperties(AuthProperties.Mode.API_KEY, true,
            AuthProperties.ActuatorAccess.OPERATORS);

    private KeyStoreInMemory store;
    private ApiKeyStore keys;

    @BeforeEach
    void openStore() {
        store = new KeyStoreInMemory();
        keys = store.keys();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void warnsWhenNoLiveKeyIsAnOperators(CapturedOutput output) {
        keys.create("grafana-from-last-year", null);
        String revoked = keys.create("old-operator", null, ApiKeyStore.Role.OPERATOR).secret();
        keys.revoke(revoked);

        new OperatorKeyCheck(API_KEYS, keys).warnWithoutAnOperatorKey();

        assertThat(output).contains("no live operator key", "keys role <prefix> operator", "tally.auth.actuator-access=clients");
    }

    @Test
    void staysQuietWithAnOperatorsKeyOrWhenClientsReadMetrics(CapturedOutput output) {
        new OperatorKeyCheck(new AuthProperties(AuthProperties.Mode.API_KEY, true, AuthProperties.ActuatorAccess.CLIENTS), keys)
                .warnWithoutAnOperatorKey();
        keys.create("prometheus", null, ApiKeyStore.Role.OPERATOR);
        new OperatorKeyCheck(API_KEYS, keys).warnWithoutAnOperatorKey();

        assertThat(output).doesNotContain("no live operator key");
    }
}
