package dev.tally.api;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Puts {@link UnreadBodyValve} on Tomcat's engine, so that no request thread waits for a body
 * nobody reads. The engine's valves run around the host's, so the valve acts once the answer is
 * whole, error pages included: closing the connection marks the exchange as failed, and on the
 * context, before the host's error handling, that added the error page to an answer already written.
 */
@Component
class UnreadBodyValveCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addEngineValves(new UnreadBodyValve());
    }
}
