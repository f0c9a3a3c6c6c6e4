package dev.tally.security;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Leaves two refusals Tomcat makes on its own to the service's filters, which make them too and
 * say why: a {@code TRACE} request (Tomcat answered 405 with an {@code Allow} header naming its
 * servlet's methods, PUT and DELETE on paths that take neither), refused by {@link TraceRefusal},
 * and a path with an encoded slash (Tomcat answered 400 without saying which part of the request
 * it could not read), refused by Spring Security's firewall. Both answer 400 {@code malformed-request}
 * saying why, as the firewall does a method it does not know or an encoded percent sign. Only the
 * main port's connector: a management port of its own ({@code management.server.port}) keeps
 * Tomcat's refusals.
 */
@Component
class TomcatLeavesRefusalsToFilters implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            connector.setAllowTrace(true);
            connector.setEncodedSolidusHandling("passthrough");
        });
    }
}
