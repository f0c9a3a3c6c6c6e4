package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A Location header is followed as a browser follows it. */
class RedirectLocationTest {

    /** How HttpClient hands over a header whose bytes are UTF-8: one character per byte. */
    private static String asRead(String sent) {
        return new String(sent.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsRawUtf8BytesAsUtf8() throws URISyntaxException {
        assertThat(RedirectLocation.parse(asRead("/bücher/straße")))
                .isEqualTo(new URI("/b%C3%BCcher/stra%C3%9Fe"));
    }

    @Test
    void keepsBytesThatAreNotUtf8AsLatin1() throws URISyntaxException {
        assertThat(RedirectLocation.parse("/b\u00fccher")).isEqualTo(new URI("/b%C3%BCcher"));
    }

    @Test
    void givesANonAsciiHostItsIdnaForm() throws URISyntaxException {
        assertThat(RedirectLocation.parse(asRead("https://bücher.example:8443/ü?q=ü#ü")))
                .isEqualTo(new URI("https://xn--bcher-kva.example:8443/%C3%BC?q=%C3%BC#%C3%BC"));
    }

    @Test
    void givesTheHostOfASchemeRelativeLocationItsIdnaForm() throws URISyntaxException {
        assertThat(RedirectLocation.parse("//bücher.example/")).isEqualTo(new URI("//xn--bcher-kva.example/"));
    }

    @Test
    void foldsFullWidthDigitsOfAHostIntoAnAddressTheUrlRulesThenJudge() throws URISyntaxException {
        assertThat(RedirectLocation.parse("http://１２７．０．０．１/").getRawAuthority()).isEqualTo("127.0.0.1");
    }

    /** IDNA would fold these into "@", ":" and "[": the authority's parts must not move about. */
    @Test
    void leavesAHostWhoseIdnaFormHoldsDelimitersAsSent() throws URISyntaxException {
        assertThat(RedirectLocation.parse("http://127.0.0.1＠evil.example/").getRawAuthority())
                .isEqualTo("127.0.0.1%EF%BC%A0evil.example");
        assertThat(RedirectLocation.parse("http://cache.example：6379/").getRawAuthority())
                .isEqualTo("cache.example%EF%BC%9A6379");
    }

    @Test
    void leavesUserInfoAndIpv6LiteralsAsSent() throws URISyntaxException {
        assertThat(RedirectLocation.parse("http://ü@bücher.example/").getRawAuthority()).isEqualTo("%C3%BC@xn--bcher-kva.example");
        assertThat(RedirectLocation.parse("http://[::1]:8080/ü")).isEqualTo(new URI("http://[::1]:8080/%C3%BC"));
    }

    @Test
    void escapesRawSpacesAndWhatUriRefusesOnlyWhenTheValueDoesNotParse() throws URISyntaxException {
        assertThat(RedirectLocation.parse("/search?q=a b|c")).isEqualTo(new URI("/search?q=a%20b%7Cc"));
        assertThat(RedirectLocation.parse("/a%20b?x=1")).isEqualTo(new URI("/a%20b?x=1"));
    }

    @Test
    void trimsTheValue() throws URISyntaxException {
        assertThat(RedirectLocation.parse("  /next \t")).isEqualTo(new URI("/next"));
    }
}
