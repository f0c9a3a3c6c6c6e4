package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlPolicyTest {

    private final UrlPolicy strict = new UrlPolicy(new AddressPolicy(false));
    private final UrlPolicy permissive = new UrlPolicy(new AddressPolicy(true));

    @ParameterizedTest
    @ValueSource(strings = {
        "https://example.com/", "http://example.com", "HTTPS://Example.COM/a?b=c#d", "HtTp://example.com:8080/x",
        "https://8.8.8.8/", "http://[2606:4700:4700::1111]/", "https://ex_ample.com/", "https://bücher.de/",
        "http://localhost/", "http://internal.corp/"})
    void acceptsAbsoluteHttpUrls(String url) throws InvalidUrlException {
        assertThat(strict.check(url)).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "mailto:a@example.com", "/relative/path",
        "example.com", "http:example.com", "http:///path", "http://", "https://exa mple.com/", "http://example.com:99999/",
        "http://example.com:0/", "http://example.com:x/", "http://%31%32%37.0.0.1/", "http://[v1.x]/", "http://[zz::1]/",
        "http://[::1/", "gopher://127.0.0.1:25/", ""})
    void rejectsNonHttpOrMalformedUrls(String url) {
        assertThatThrownBy(() -> strict.check(url))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage("url must be an absolute http or https URL");
    }

    @Test
    void rejectsNullUrl() {
        assertThatThrownBy(() -> strict.check(null)).hasMessage("url must be an absolute http or https URL");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://user@example.com/", "https://user:pass@example.com/", "http://a@b", "http://@example.com/",
        "http://:@example.com/", "http://example.com@evil.com/", "http://user:pass@127.0.0.1/", "http://a_b@127.1/"})
    void rejectsUrlWithCredentials(String url) {
        assertThatThrownBy(() -> permissive.check(url)).hasMessage("url must not contain user info");
    }

    @Test
    void rejectsUrlLongerThan2048Characters() throws InvalidUrlException {
        String prefix = "https://example.com/";
        String exact = prefix + "a".repeat(UrlPolicy.MAX_LENGTH - prefix.length());
        assertThat(strict.check(exact)).isNotNull();
        assertThatThrownBy(() -> strict.check(exact + "a")).hasMessage("url must be at most 2048 characters");
        assertThatThrownBy(() -> strict.check("x".repeat(100_000))).hasMessage("url must be at most 2048 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1/", "http://127.0.0.1:8080/admin", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
        "http://192.168.0.1/", "http://0.0.0.0/", "http://255.255.255.255/", "http://127.0.0.1./"})
    void rejectsForbiddenDottedQuad(String url) {
        assertThatThrownBy(() -> strict.check(url)).hasMessage("url points to a forbidden address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://2130706433/", "http://2130706433:80/x", "http://167772161/"})
    void rejectsDecimalLoopbackSpelling(String url) {
        assertThatThrownBy(() -> strict.check(url)).hasMessage("url points to a forbidden address");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.1/", "http://127.0.1/", "http://0x7f000001/", "http://0X7F000001/", "http://0177.0.0.1/",
        "http://0x7f.1/", "http://0x7f.0.0.1/", "http://0177.1/", "http://017700000001/", "http://0/",
        "http://0xa9.0xfe.0xa9.0xfe/", "http://0xa9fea9fe/", "http://10.1/", "http://１２７.０.０.１/"})
    void rejectsOddLoopbackAndPrivateSpellings(String url) {
        assertThatThrownBy(() -> strict.check(url)).hasMessage("url points to a forbidden address");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://[::1]/", "http://[0:0:0:0:0:0:0:1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/", "http://[::ffff:a9fe:a9fe]/", "http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/", "http://[fe80::1%25eth0]/", "http://[fe80::1]:8080/", "http://[fc00::1]/",
        "http://[fd00:ec2::254]/", "http://[ff02::1]/", "http://[2001:db8::1]/", "http://[100::1]/", "http://[FEC0::1]/"})
    void rejectsForbiddenIpv6Literals(String url) {
        assertThatThrownBy(() -> strict.check(url)).hasMessage("url points to a forbidden address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://8.8.8.8/", "http://134744072/", "http://0x08080808/", "http://010.010.010.010/",
        "http://[::ffff:8.8.8.8]/", "http://1.1.1.1./"})
    void acceptsPublicAddressesInAnySpelling(String url) throws InvalidUrlException {
        assertThat(strict.check(url)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/", "http://2130706433/", "http://[::1]/", "http://[fe80::1%25eth0]/", "http://10.1/"})
    void acceptsPrivateAddressesWhenPrivateNetworksAllowed(String url) throws InvalidUrlException {
        assertThat(permissive.check(url)).isNotNull();
    }

    @Test
    void namesTheFieldInMessages() {
        assertThatThrownBy(() -> strict.check("ftp://x/", "callbackUrl"))
                .hasMessage("callbackUrl must be an absolute http or https URL");
        assertThatThrownBy(() -> strict.check("http://u@x/", "callbackUrl"))
                .hasMessage("callbackUrl must not contain user info");
        assertThatThrownBy(() -> strict.check("http://127.1/", "callbackUrl"))
                .hasMessage("callbackUrl points to a forbidden address");
    }

    @Test
    void doesNotResolveHostNamesAtSubmitTime() throws InvalidUrlException {
        // A name is judged when fetched, on the address actually connected to.
        assertThat(strict.check("http://no-such-host.invalid/")).isNotNull();
        assertThat(strict.check("http://localhost:8080/")).isNotNull();
    }

    @Test
    void publicConstructorReadsAllowPrivateNetworks() throws InvalidUrlException {
        assertThat(new UrlPolicy(FetcherTestSupport.properties(true)).check("http://127.0.0.1/")).isNotNull();
        assertThatThrownBy(() -> new UrlPolicy(FetcherTestSupport.properties(false)).check("http://127.0.0.1/"))
                .isInstanceOf(InvalidUrlException.class);
    }
}
