package dev.tally.dashboard;

import dev.tally.role.ConditionalOnRole;
import dev.tally.role.Role;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard, contract section 4: {@code GET /} is a page that submits jobs and follows the
 * newest ones live, and {@code /dashboard/**} its script and style sheet. It is static: everything
 * it shows it reads from the public API in the browser, with the API key the user types, so it is
 * served without credentials (SecurityConfiguration) and only by processes that serve the API.
 */
@RestController
@Hidden // not an operation of the API
@ConditionalOnRole(Role.API)
class DashboardController {

    private static final Resource PAGE = new ClassPathResource("dashboard/index.html");

    /** Also at {@code /dashboard} (no trailing slash: the page's relative links resolve as from {@code /}). */
    @GetMapping(path = {"/", "/dashboard"}, produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<Resource> page() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(MediaType.TEXT_HTML).body(PAGE);
    }
}
