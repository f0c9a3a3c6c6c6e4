package dev.tally.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binding arbitrary bytes to the body of {@code POST /api/v1/jobs} with the application's own
 * {@link JsonMapper} (Spring Boot's Jackson auto-configuration reading the application's
 * {@code application.yml}, so {@code FAIL_ON_UNKNOWN_PROPERTIES} is on as in production). The only
 * failures allowed are Jackson's own exceptions, which the API turns into 400; anything else
 * (StackOverflowError on deep nesting, NumberFormatException, ...) would be a 500 or worse.
 */
class SubmitRequestJsonFuzzTest {

    // Application classes and the mapper are created lazily in AppMapper, never in this class's
    // static initializer: classes loaded before Jazzer installs its agent get retransformed, and a
    // retransformed class loses its MethodParameters attribute (Spring then fails to bind records
    // in later tests of the same JVM). See UrlPolicyFuzzTest.

    @FuzzTest(maxDuration = "30s")
    void bind(byte[] body) {
        try {
            Object request = AppMapper.INSTANCE.readValue(body, AppMapper.SUBMIT_REQUEST);
            if (request != null) {
                assertThat(request.getClass()).isEqualTo(AppMapper.SUBMIT_REQUEST);
            }
        } catch (JacksonException expected) {
            // a 400 problem in the API
        } catch (StackOverflowError e) {
            fail("binding overflowed the stack instead of failing with a Jackson exception: " + preview(body), e);
        }

        int maxDepth = AppMapper.INSTANCE.tokenStreamFactory().streamReadConstraints().getMaxNestingDepth();
        try {
            JsonNode tree = AppMapper.INSTANCE.readTree(body);
            assertThat(depth(tree)).as("nesting of an accepted document: %s", preview(body)).isLessThanOrEqualTo(maxDepth);
        } catch (JacksonException expected) {
            // malformed, or over a StreamReadConstraints limit
        } catch (StackOverflowError e) {
            fail("readTree overflowed the stack: " + preview(body), e);
        }
    }

    @Test
    void theMapperIsConfiguredLikeTheApplication() {
        assertThat(AppMapper.INSTANCE.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)).isTrue();
        assertThat(AppMapper.INSTANCE.tokenStreamFactory().streamReadConstraints().getMaxNestingDepth()).isBetween(1, 2000);
    }

    @Test
    void rejectsOneHundredThousandOpeningBracketsWithAConstraintViolation() {
        byte[] deep = "[".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> AppMapper.INSTANCE.readTree(deep)).isInstanceOf(StreamConstraintsException.class);
        byte[] deepInAField = ("{\"text\":" + "[".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> AppMapper.INSTANCE.readValue(deepInAField, AppMapper.SUBMIT_REQUEST)).isInstanceOf(JacksonException.class);
        byte[] deepObjects = "{\"a\":".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> AppMapper.INSTANCE.readTree(deepObjects)).isInstanceOf(StreamConstraintsException.class);
    }

    @Test
    void rejectsTenThousandDigitNumbersWithAConstraintViolation() {
        byte[] huge = ("{\"url\":" + "9".repeat(10_000) + "}").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> AppMapper.INSTANCE.readTree(huge)).isInstanceOf(StreamConstraintsException.class);
        assertThatThrownBy(() -> AppMapper.INSTANCE.readValue(huge, AppMapper.SUBMIT_REQUEST)).isInstanceOf(JacksonException.class);
    }

    /** The deepest container nesting of a tree, counted without recursion. */
    private static int depth(JsonNode root) {
        int deepest = 0;
        Deque<Map.Entry<JsonNode, Integer>> stack = new ArrayDeque<>();
        stack.push(Map.entry(root, root.isContainer() ? 1 : 0));
        while (!stack.isEmpty()) {
            var entry = stack.pop();
            deepest = Math.max(deepest, entry.getValue());
            for (JsonNode child : entry.getKey()) {
                if (child.isContainer()) {
                    stack.push(Map.entry(child, entry.getValue() + 1));
                }
            }
        }
        return deepest;
    }

    private static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "... (" + body.length + " bytes)" : text;
    }

    private static Class<?> submitRequestClass() {
        try {
            return Class.forName("dev.tally.api.SubmitJobRequest");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Built once per JVM: a Spring context with only Jackson's auto-configuration and the app's config files. */
    private static final class AppMapper {
        static final JsonMapper INSTANCE = create();

        /** The request record is package-private in dev.tally.api; bind to the very class the controller uses. */
        static final Class<?> SUBMIT_REQUEST = submitRequestClass();

        private static JsonMapper create() {
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(JacksonAutoConfiguration.class)
                    .web(WebApplicationType.NONE)
                    .logStartupInfo(false)
                    .properties("spring.main.banner-mode=off")
                    .run()) {
                return context.getBean(JsonMapper.class);
            }
        }
    }
}
