package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.security.ApiKeyStore;
import dev.tally.support.Api;
import dev.tally.support.HeadlessChromium;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * With API keys on, the dashboard's page loads without credentials, says a key is needed, and
 * shows the key owner's jobs (and only theirs) once the key is typed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:tally-auth;DB_CLOSE_DELAY=-1",
        "tally.auth.mode=api-key"
})
class DashboardWithApiKeysTest {

    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    @LocalServerPort
    int port;

    @Autowired
    ApiKeyStore keys;

    @Test
    void asksForAKeyThenShowsTheJobsOfItsOwner() {
        String carol = keys.create("carol", null).secret();
        String dave = keys.create("dave", null).secret();
        String carolsJob = submit(carol, "carol's words");
        String davesJob = submit(dave, "dave's words");

        openWithoutAKey();
        browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("list-message"),
                "an API key is needed"));
        browser.driver().findElement(By.id("api-key")).sendKeys(carol + "\n");
        browser.driver().findElement(By.id("status-filter")).click(); // leaves the key field: its change fires

        browser.waiting(10).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-id='" + carolsJob + "']")));
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-id='" + davesJob + "']"))).isEmpty();
        assertThat(browser.consoleErrors()).allMatch(error -> error.contains("status of 401"),
                "only the refused calls made before the key was typed");
    }

    /** A key typed wrong is told as such, and the jobs another key showed do not stay on screen. */
    @Test
    void saysAKeyIsUnknownAndHidesTheJobsOfTheKeyBefore() {
        String erin = keys.create("erin", null).secret();
        String erinsJob = submit(erin, "erin's words");
        openWithoutAKey();
        browser.driver().findElement(By.id("api-key")).sendKeys(erin);
        browser.driver().findElement(By.id("status-filter")).click();
        browser.waiting(10).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-id='" + erinsJob + "']")));

        var field = browser.driver().findElement(By.id("api-key"));
        field.clear();
        field.sendKeys("tly_typed-wrong");
        browser.driver().findElement(By.id("status-filter")).click();

        browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("list-message"),
                "the service does not know this API key, or it was revoked"));
        assertThat(browser.driver().findElements(By.cssSelector("#job-table tbody tr"))).isEmpty();
        browser.consoleErrors(); // Chromium logs the 401 answers itself; the page handled them
    }

    /** The page, with no key kept in the tab from an earlier test (the browser is shared). */
    private void openWithoutAKey() {
        browser.driver().get("http://127.0.0.1:" + port + "/");
        ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript("sessionStorage.clear();");
        browser.driver().get("http://127.0.0.1:" + port + "/");
    }

    private String submit(String key, String text) {
        Api api = new Api(port);
        return api.send(HttpRequest.newBuilder(api.uri("/api/v1/jobs"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}")))
                .json().get("id").asString();
    }
}
