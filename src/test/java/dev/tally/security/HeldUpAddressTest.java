package dev.tally.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * An address that sent {@value ApiKeyAuthenticationFilter#UNKNOWN_KEYS_PER_MINUTE} unknown keys in a
 * minute is held up for keys the node does not know; clients sharing that address (a NAT, a proxy)
 * keep the keys the node found live in the last day, once their 30 s lookup has expired too. The
 * filter on a real embedded store, its caches' time moved by the test and its buckets' held still.
 */
class HeldUpAddressTest {

    private static final String SHARED_ADDRESS = "203.0.113.7";
    /** The unknown keys' buckets do not refill during a test: the address stays held up. */
    private static final TimeMeter STILL_BUCKETS = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return 0;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    private final AtomicLong nanos = new AtomicLong();
    private KeyStoreInMemory store;
    private ApiKeyStore keys;
    private ApiKeyAuthenticationFilter filter;

    @BeforeEach
    void setUp() {
        store = new KeyStoreInMemory();
        keys = store.keys();
        var problems = new ProblemAuthenticationEntryPoint(JsonMapper.builder().build(), (request, response, handler, e) -> null);
        filter = new ApiKeyAuthenticationFilter(keys, problems, SecurityConfiguration.openPaths(true, "/actuator"), nanos::get,
                STILL_BUCKETS);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void looksUpAKeyFoundLiveEarlierWhileItsAddressIsHeldUp() throws Exception {
        String colleague = keys.create("colleague-behind-the-same-nat", null).secret();
        assertThat(status(colleague)).isEqualTo(200);
        holdUpTheSharedAddress();
        pass(Duration.ofSeconds(31)); // the colleague's lookup is no longer cached

        assertThat(status(colleague)).isEqualTo(200);
    }

    @Test
    void holdsUpAKeyThisNodeHasNotSeenWhileItsAddressIsHeldUp() throws Exception {
        String newcomer = keys.create("newcomer-behind-the-same-nat", null).secret();
        holdUpTheSharedAddress();

        assertThat(status(newcomer)).isEqualTo(429);
    }

    @Test
    void refusesAKeyFoundLiveEarlierOnceItIsRevoked() throws Exception {
        String leaked = keys.create("leaked", null).secret();
        assertThat(status(leaked)).isEqualTo(200);
        holdUpTheSharedAddress();
        keys.revoke(leaked);
        pass(Duration.ofSeconds(31));

        assertThat(status(leaked)).isEqualTo(401);
        pass(Duration.ofSeconds(31));
        assertThat(status(leaked)).as("no longer looked up past the hold").isEqualTo(429);
    }

    private void holdUpTheSharedAddress() throws Exception {
        for (int i = 0; i < ApiKeyAuthenticationFilter.UNKNOWN_KEYS_PER_MINUTE; i++) {
            assertThat(status("tly_guess-" + UUID.randomUUID())).isEqualTo(401);
        }
        assertThat(status("tly_guess-" + UUID.randomUUID())).isEqualTo(429);
    }

    private int status(String key) throws Exception {
        var request = new MockHttpServletRequest("GET", "/api/v1/jobs");
        request.setServletPath("/api/v1/jobs");
        request.setRemoteAddr(SHARED_ADDRESS);
        request.addHeader("Authorization", "Bearer " + key);
        var response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }

    private void pass(Duration time) {
        nanos.addAndGet(time.toNanos());
    }
}
