package dev.tally.security;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Refuses a request whose {@code Host} names a host this server does not answer for, with 421
 * {@code misdirected-request}: the defence against DNS rebinding. A hostile web page whose name its
 * owner points at 127.0.0.1 is, to the browser, the same origin as its own server, so its scripts
 * could read and write an unauthenticated Tally on the user's machine; their requests still carry
 * the hostile name in {@code Host}. While the server listens on a loopback address (the default),
 * only loopback names are taken ({@code localhost}, {@code *.localhost}, 127.x.x.x, [::1]), and
 * those in {@code tally.hosts.allowed} (a proxy on the same machine that passes its clients'
 * {@code Host} on); listening elsewhere, any name is, unless that list is set.
 */
@Component
@FilterRegistration(order = Ordered.HIGHEST_PRECEDENCE + 2, dispatcherTypes = DispatcherType.REQUEST)
class HostCheck implements Filter {

    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private final boolean anyHost;
    private final Set<String> allowed;
    private final ProblemAuthenticationEntryPoint problems;
    private final SecurityHeaders headers;

    HostCheck(AuthProperties.Hosts hosts, @Value("${server.address:}") String serverAddress,
              ProblemAuthenticationEntryPoint problems, SecurityHeaders headers) {
        this.allowed = hosts.allowed().stream().map(HostCheck::normalized).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.anyHost = allowed.contains("*") || (allowed.isEmpty() && !isLoopback(serverAddress));
        this.problems = problems;
        this.headers = headers;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!anyHost && req instanceof HttpServletRequest request && res instanceof HttpServletResponse response) {
            String host = request.getHeader(HttpHeaders.HOST);
            if (host != null && !takes(host)) {
                headers.write(request, response); // this filter runs before the security chains
                problems.write(response, 421, "Misdirected Request", "this server does not answer for the host named in"
                        + " the Host header; the names it takes are the loopback ones and those of tally.hosts.allowed",
                        "misdirected-request");
                return;
            }
        }
        chain.doFilter(req, res);
    }

    /** Whether a {@code Host} header's value ({@code name}, {@code name:port}, {@code [v6]:port}) names a host taken here. */
    boolean takes(String hostHeader) {
        if (anyHost) {
            return true;
        }
        String name = normalized(hostHeader);
        return isLoopbackName(name) || allowed.contains(name);
    }

    private static boolean isLoopbackName(String name) {
        return name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")
                || LOOPBACK_V4.matcher(name).matches();
    }

    /** Lower case, without the port and a trailing dot; an IPv6 literal keeps its brackets. */
    static String normalized(String host) {
        String name = host.trim().toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon >= 0 && (name.startsWith("[") ? name.lastIndexOf(']') < colon : name.indexOf(':') == colon)) {
            name = name.substring(0, colon);
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Whether {@code server.address} is a loopback address; empty (every interface) is not. */
    private static boolean isLoopback(String serverAddress) {
        if (serverAddress == null || serverAddress.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(serverAddress.trim()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // Tomcat will not start on it either
        }
    }
}
