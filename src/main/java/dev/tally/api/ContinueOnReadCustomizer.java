package dev.tally.api;

import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Answers {@code Expect: 100-continue} only when the application reads the body (Tomcat's
 * {@code continueResponseTiming="onRead"}; its default invites every body at once). A request
 * refused on its head alone, a body over the limit, no credentials, over the rate limit or the
 * node's bound on bodies being read ({@link RequestBodyLimitFilter}), then gets its final answer
 * before the client sends up to 10 MiB for nothing.
 */
@Component
class ContinueOnReadCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
                http.setContinueResponseTiming("onRead");
            }
        });
    }
}
