package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.support.Api;
import dev.tally.support.HeadlessChromium;
import dev.tally.support.TallyIntegrationTest;
import dev.tally.support.TestSite;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard at {@code /}, driven in a real headless Chromium against the running service: a
 * user submits a text or a page, watches the job reach its end in the table, reads its top words or
 * its error, and cancels a job, all under the page's own Content-Security-Policy and without a
 * script error in the console.
 */
@TallyIntegrationTest
class DashboardTest {

    private static final Pattern ACCEPTED = Pattern.compile("Job ([0-9a-f-]{36}) accepted");
    @RegisterExtension
    static final HeadlessChromium browser = new HeadlessChromium();

    @LocalServerPort
    int port;

    TestSite site = TestSite.get();

    @BeforeEach
    void openDashboard() {
        browser.driver().get("http://127.0.0.1:" + port + "/");
        browser.waiting(10).until(ExpectedConditions.textToBe(By.id("health"), "UP"));
    }

    @AfterEach
    void noScriptErrors() {
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void servesThePageAndItsFilesWithoutCredentialsUnderAPolicyForItsOwnScript() {
        Api api = new Api(port);

        Api.Response page = api.get("/");
        Api.Response alsoPage = api.get("/dashboard");
        Api.Response script = api.get("/dashboard/dashboard.js");
        Api.Response style = api.get("/dashboard/dashboard.css");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("connect-src 'self'")
                .doesNotContain("unsafe-inline");
        assertThat(page.body()).contains("<script src=\"dashboard/dashboard.js\"");
        assertThat(alsoPage.status()).isEqualTo(200);
        assertThat(alsoPage.body()).isEqualTo(page.body());
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).contains("javascript");
        assertThat(style.status()).isEqualTo(200);
        assertThat(style.header("Content-Type")).startsWith("text/css");
    }

    @Test
    void countsASubmittedTextAndShowsItsTopWords() {
        browser.driver().findElement(By.cssSelector("input[name=kind][value=text]")).click();
        browser.driver().findElement(By.id("text")).sendKeys("The cat saw the dog; the dog saw the cat's tail.");

        String id = submit();

        awaitStatus(id, "SUCCEEDED");
        assertThat(browser.driver().findElement(By.cssSelector("tr[data-id='" + id + "'] td.words")).getText()).isEqualTo("11");
        WebElement topWord = browser.waiting(10).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#top-words tbody tr:first-child")));
        assertThat(topWord.findElement(By.cssSelector("td.word")).getText()).isEqualTo("the");
        assertThat(topWord.findElements(By.tagName("td")).get(1).getText()).isEqualTo("4");
        assertThat(browser.driver().findElement(By.id("detail-id")).getText()).isEqualTo(id);
    }

    @Test
    void showsWhyAPageFailed() {
        site.page("/dashboard/missing.html", 404, "text/html", "<p>not here</p>");
        browser.driver().findElement(By.id("url")).sendKeys(site.url("/dashboard/missing.html"));

        String id = submit();

        awaitStatus(id, "FAILED");
        browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("detail-fields"),
                "HTTP_STATUS: the page answered 404"));
    }

    @Test
    void cancelsAJobFromTheTable() {
        site.slowHtml("/dashboard/slow.html", 2_500, "<p>slow words</p>");
        browser.driver().findElement(By.id("url")).sendKeys(site.url("/dashboard/slow.html"));
        String id = submit();

        click(By.cssSelector("tr[data-id='" + id + "'] button.cancel"));

        awaitStatus(id, "CANCELLED");
    }

    @Test
    void deletesAJobFromTheTableOnceConfirmed() {
        browser.driver().findElement(By.cssSelector("input[name=kind][value=text]")).click();
        browser.driver().findElement(By.id("text")).sendKeys("A short text to delete after counting.");
        String id = submit();
        awaitStatus(id, "SUCCEEDED");
        click(By.cssSelector("tr[data-id='" + id + "'] button.delete"));

        var confirm = browser.waiting(5).until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).as("names the job").startsWith("Delete the job of text, 38 characters, created ");
        confirm.accept();

        browser.waiting(10).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-id='" + id + "']")));
        assertThat(browser.driver().findElement(By.id("detail")).isDisplayed()).as("the deleted job's detail closes").isFalse();
        assertThat(new Api(port).get("/api/v1/jobs/" + id).status()).isEqualTo(404);
    }

    /** The list's message is rewritten by every refresh; what an action could not do must stay to be read. */
    @Test
    void keepsShowingWhyACancelWasRefused() throws InterruptedException {
        site.slowHtml("/dashboard/slow-then-cancelled.html", 10_000, "<p>slow words</p>");
        browser.driver().findElement(By.id("url")).sendKeys(site.url("/dashboard/slow-then-cancelled.html"));
        String id = submit();
        awaitStatus(id, "RUNNING");
        browser.driver().findElement(By.id("live")).click(); // the row keeps its Cancel button
        Thread.sleep(2_500); // a refresh asked for before that has come and gone
        assertThat(new Api(port).post("/api/v1/jobs/" + id + "/cancel", "application/json", "").status()).isEqualTo(200);

        click(By.cssSelector("tr[data-id='" + id + "'] button.cancel"));

        browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-message"),
                "Could not cancel the job: job is already CANCELLED"));
        Thread.sleep(1_000); // the refresh that follows the action has come and gone
        assertThat(browser.driver().findElement(By.id("action-message")).getText())
                .isEqualTo("Could not cancel the job: job is already CANCELLED");
        browser.consoleErrors(); // Chromium logs the 409 answer itself; the page handled it
    }

    /** The API refuses a URL over 2,048 characters; the field must not cut it to one it accepts. */
    @Test
    void submitsALongUrlWholeAndShowsWhyItIsRefused() {
        String url = site.url("/dashboard/long.html?q=") + "a".repeat(2_100);
        browser.driver().findElement(By.id("url")).sendKeys(url); // typed (a field's maxlength cuts what is typed)

        browser.driver().findElement(By.id("submit-button")).click();

        browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("submit-message"),
                "Not accepted: url must be at most 2048 characters"));
        browser.consoleErrors(); // Chromium logs the 400 answer itself; the page handled it
    }

    /** A row takes clicks; its source is the button a keyboard reaches to open the job. */
    @Test
    void opensAJobFromTheKeyboard() {
        browser.driver().findElement(By.cssSelector("input[name=kind][value=text]")).click();
        browser.driver().findElement(By.id("text")).sendKeys("Opened without a mouse.");
        String id = submit();
        awaitStatus(id, "SUCCEEDED");
        click(By.id("close-detail"));

        browser.waiting(10).ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.findElement(By.cssSelector("tr[data-id='" + id + "'] td.source button")).sendKeys(Keys.ENTER);
            return true;
        });

        browser.waiting(10).until(ExpectedConditions.textToBe(By.id("detail-id"), id));
        assertThat(browser.driver().findElement(By.id("detail")).isDisplayed()).isTrue();
    }

    @Test
    void keepsTheRowOfAnUnchangedJobAcrossRefreshes() {
        browser.driver().findElement(By.cssSelector("input[name=kind][value=text]")).click();
        browser.driver().findElement(By.id("text")).sendKeys("A finished job's row stays where the pointer is.");
        String id = submit();
        WebElement row = awaitStatus(id, "SUCCEEDED");
        String refreshedAt = browser.driver().findElement(By.id("updated")).getText();

        browser.waiting(10).until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("updated"), refreshedAt)));

        assertThat(row.getAttribute("data-id")).as("the same element, not a redrawn one").isEqualTo(id);
    }

    @Test
    void showsTheProblemOfASubmissionTheServiceRefuses() {
        browser.driver().findElement(By.id("url")).sendKeys("ftp://example.com/file.txt");

        browser.driver().findElement(By.id("submit-button")).click();

        browser.waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("submit-message"),
                "Not accepted: url must be an absolute http or https URL"));
        browser.consoleErrors(); // Chromium logs the 400 answer itself; the page handled it
    }

    @Test
    void pagesBackToOlderJobsAndForwardAgain() {
        Api api = new Api(port);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            ids.add(api.postJson("/api/v1/jobs", "{\"text\": \"page through job " + i + "\"}").json().get("id").asString());
        }
        String oldest = ids.get(0);
        String newest = ids.get(50);
        browser.waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + newest + "']")));
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-id='" + oldest + "']"))).as("51st newest").isEmpty();

        click(By.id("older"));

        browser.waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + oldest + "']")));
        assertThat(browser.driver().findElement(By.id("page")).getText()).isEqualTo("page 2");
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-id='" + newest + "']"))).isEmpty();

        click(By.id("newer"));

        browser.waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + newest + "']")));
        assertThat(browser.driver().findElement(By.id("newer")).isEnabled()).isFalse();
        assertThat(browser.driver().findElement(By.id("page")).getText()).isEmpty();
    }

    /** Submits the form and returns the id of the job the page says it accepted. */
    private String submit() {
        browser.driver().findElement(By.id("submit-button")).click();
        browser.waiting(10).until(ExpectedConditions.textMatches(By.id("submit-message"), ACCEPTED));
        Matcher accepted = ACCEPTED.matcher(browser.driver().findElement(By.id("submit-message")).getText());
        assertThat(accepted.find()).isTrue();
        return accepted.group(1);
    }

    /** Clicks the element once it is there, again if a refresh of the table replaced it meanwhile. */
    private void click(By target) {
        browser.waiting(10).ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.findElement(target).click();
            return true;
        });
    }

    /** Waits for the job's row in the table to show {@code status}, as the page refreshes itself. */
    private WebElement awaitStatus(String id, String status) {
        By row = By.cssSelector("tr[data-id='" + id + "'][data-status='" + status + "']");
        return browser.waiting(20).until(ExpectedConditions.visibilityOfElementLocated(row));
    }
}
