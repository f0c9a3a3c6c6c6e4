package dev.tally;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.HeadlessChromium;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The service deployed under a path of its own ({@code server.servlet.context-path}), as behind a
 * proxy that routes {@code /tally/} to it: what it hands out to follow (the Location of an accepted
 * job) and what the dashboard loads and calls stay under that path, and the API's paths are still
 * told apart from the rest (rate limits).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-context-path;DB_CLOSE_DELAY=-1",
        "server.servlet.context-path=/tally",
        "tally.rate-limit.enabled=true",
        "tally.rate-limit.requests-per-minute=1000"
})
class UnderAContextPathTest {

    private static final Pattern ACCEPTED = Pattern.compile("Job ([0-9a-f-]{36}) accepted");

    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    @LocalServerPort
    int port;

    @Test
    void locatesAnAcceptedJobUnderTheContextPath() {
        Api api = new Api(port);

        Api.Response accepted = api.postJson("/tally/api/v1/jobs", "{\"text\":\"under a path of its own\"}");

        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        assertThat(accepted.header("Location")).isEqualTo("/tally/api/v1/jobs/" + id);
        assertThat(api.get(accepted.header("Location")).status()).isEqualTo(200);
    }

    @Test
    void locatesAJobAcceptedThroughContentNegotiationUnderTheContextPath() {
        Api api = new Api(port);

        // An Accept with more than JSON in it goes past the submit filter, to Spring MVC.
        Api.Response accepted = api.postJson("/tally/api/v1/jobs", "{\"text\":\"negotiated\"}",
                "Accept", "application/json, text/plain;q=0.5");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.header("Location")).isEqualTo("/tally/api/v1/jobs/" + accepted.json().get("id").asString());
    }

    @Test
    void rateLimitsTheApiUnderTheContextPath() {
        Api api = new Api(port);

        assertThat(api.get("/tally/api/v1/jobs").header("RateLimit-Policy")).isEqualTo("\"per-client\";q=1000;w=60");
        assertThat(api.get("/tally/word-count?job_id=0193a0f4-7c1e-7b7a-9d0e-3b1f2a4c5d6e").header("RateLimit-Policy"))
                .isNotNull();
    }

    @Test
    void theDashboardCountsATextUnderTheContextPath() {
        browser.driver().get("http://127.0.0.1:" + port + "/tally/");
        browser.waiting(10).until(ExpectedConditions.textToBe(By.id("health"), "UP"));
        browser.driver().findElement(By.cssSelector("input[name=kind][value=text]")).click();
        browser.driver().findElement(By.id("text")).sendKeys("a path of its own, a path");

        browser.driver().findElement(By.id("submit-button")).click();

        browser.waiting(10).until(ExpectedConditions.textMatches(By.id("submit-message"), ACCEPTED));
        Matcher accepted = ACCEPTED.matcher(browser.driver().findElement(By.id("submit-message")).getText());
        assertThat(accepted.find()).isTrue();
        browser.waiting(20).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-id='" + accepted.group(1) + "'][data-status='SUCCEEDED']")));
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
