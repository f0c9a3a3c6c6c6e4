package dev.tally.security;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Leaves two refusals Tomcat makes on its own to Spring Security's firewall, which makes them too
 * and says why: a {@code TRACE} request (Tomcat answered 405 with an {@code Allow} header naming
 * its servlet's methods, PUT and DELETE on paths that take neither) and a path with an encoded
 * slash (Tomcat answered 400 without saying which part of the request it could not read). The
 * firewall answers both 400 {@code malformed-request} naming the rule, as it does a method it does
 * not know or an encoded percent sign. Should a request ever pass without the firewall, Spring MVC
 * takes TRACE like any method ({@code spring.mvc.dispatch-trace-request}): a path that does not
 * take it answers 405, rather than the servlet's echo of the request's headers.
 */
@Component
class FirewallJudgesEveryRequest implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            connector.setAllowTrace(true);
            connector.setEncodedSolidusHandling("passthrough");
        });
    }
}
