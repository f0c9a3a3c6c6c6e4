package dev.tally.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a webhook goes, as far as sharing the senders fairly is concerned: the scheme, host and
 * port of its URL ({@code https://hooks.example.org:443}). Deliveries to different paths of one
 * host are one receiver; two spellings of a host (a name and its address) are two.
 */
final class Receiver {

    private Receiver() {
    }

    /**
     * The receiver of {@code url}, an absolute http(s) URL that passed the URL rules at submit; a
     * URL without a host of its own (none should reach here) is a receiver by itself.
     */
    static String of(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return url;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
