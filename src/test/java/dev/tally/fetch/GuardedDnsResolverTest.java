package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuardedDnsResolverTest {

    private final List<String> lookedUp = new ArrayList<>();
    private final DnsResolver fakeSystem = new DnsResolver() {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            lookedUp.add(host);
            return switch (host) {
                case "public.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.34")};
                case "mixed.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.7")};
                case "metadata.test" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
                case "xn--bcher-kva.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.35")};
                case "gone.test" -> throw new UnknownHostException(host + ": Name or service not known");
                case "nodata.test" -> throw new UnknownHostException(host + ": No address associated with hostname");
                case "gone-mac.test" -> throw new UnknownHostException(host + ": nodename nor servname provided, or not known");
                case "gone-windows.test" -> throw new UnknownHostException("No such host is known (" + host + ")");
                case "flaky.test" -> throw new UnknownHostException(host + ": Temporary failure in name resolution");
                // Java's negative cache: the first failure with the resolver's text, its repeats with the bare name
                case "cached-gone.test" -> throw new UnknownHostException(lookedUp.stream().filter(host::equals).count() == 1
                        ? host + ": Name or service not known" : host);
                case "cached-flaky.test" -> throw new UnknownHostException(lookedUp.stream().filter(host::equals).count() == 1
                        ? host + ": Temporary failure in name resolution" : host);
                default -> throw new UnknownHostException(host);
            };
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    };
    private final GuardedDnsResolver strict = new GuardedDnsResolver(new AddressPolicy(false), fakeSystem);
    private final GuardedDnsResolver permissive = new GuardedDnsResolver(new AddressPolicy(true), fakeSystem);

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.1", "127.0.0.1.",
        "[::1]", "::1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:0:0:1]", "fe80::1%eth0", "[fe80::1%25eth0]",
        "１２７.０.０.１"})
    void refusesLiteralForbiddenAddressesWithoutDns(String host) {
        assertThatThrownBy(() -> strict.resolve(host)).isInstanceOf(ForbiddenDestinationException.class);
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void answersOddSpellingsWithTheInetAtonAddress() throws UnknownHostException {
        assertThat(permissive.resolve("0177.0.0.1")).containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThat(permissive.resolve("0x7f.1")).containsExactly(InetAddress.getByName("127.0.0.1"));
        assertThat(permissive.resolve("134744072")).containsExactly(InetAddress.getByName("8.8.8.8"));
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void refusesNameWhenAnyAddressIsForbidden() {
        assertThatThrownBy(() -> strict.resolve("mixed.test")).isInstanceOf(ForbiddenDestinationException.class);
        assertThatThrownBy(() -> strict.resolve("metadata.test")).isInstanceOf(ForbiddenDestinationException.class);
    }

    @Test
    void passesPublicNamesAndUnknownHosts() throws UnknownHostException {
        assertThat(strict.resolve("public.test")).containsExactly(InetAddress.getByName("93.184.216.34"));
        assertThat(strict.resolve("bücher.test")).containsExactly(InetAddress.getByName("93.184.216.35"));
        assertThatThrownBy(() -> strict.resolve("nowhere.test"))
                .isInstanceOf(UnknownHostException.class)
                .isNotInstanceOf(ForbiddenDestinationException.class);
    }

    @Test
    void allowsEverythingWhenPrivateNetworksAllowed() throws UnknownHostException {
        assertThat(permissive.resolve("mixed.test")).hasSize(2);
        assertThat(permissive.resolve("[::1]")).containsExactly(InetAddress.getByName("::1"));
    }

    @Test
    void refusesMalformedIpv6Literal() {
        assertThatThrownBy(() -> permissive.resolve("[zz::1]")).isInstanceOf(UnknownHostException.class);
        assertThat(lookedUp).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-such-host.invalid", "INVALID", "www.example.Invalid.", "invalid."})
    void answersThatNamesUnderInvalidDoNotExistWithoutAskingTheSystem(String host) {
        assertThatThrownBy(() -> permissive.resolve(host)).isInstanceOf(NoSuchHostException.class);
        assertThat(lookedUp).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gone.test", "nodata.test", "gone-mac.test", "gone-windows.test"})
    void takesTheSystemsNoSuchNameAsADefiniteAnswer(String host) {
        assertThatThrownBy(() -> permissive.resolve(host))
                .isInstanceOf(NoSuchHostException.class)
                .hasCauseInstanceOf(UnknownHostException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flaky.test", "unknown.test"})
    void leavesOtherLookupFailuresPossiblyTemporary(String host) {
        assertThatThrownBy(() -> permissive.resolve(host))
                .isInstanceOf(UnknownHostException.class)
                .isNotInstanceOf(NoSuchHostException.class);
    }

    @Test
    void doesNotTakeNamesThatMerelyEndInInvalidForReserved() {
        assertThatThrownBy(() -> permissive.resolve("notinvalid")).isNotInstanceOf(NoSuchHostException.class);
        assertThat(lookedUp).containsExactly("notinvalid");
    }

    /** Java repeats a failed lookup for 10 s with the bare name, whatever the first failure said. */
    @Test
    void takesJavasCachedRepeatOfANoSuchNameAnswerAsDefiniteToo() {
        assertThatThrownBy(() -> permissive.resolve("cached-gone.test")).isInstanceOf(NoSuchHostException.class);

        assertThatThrownBy(() -> permissive.resolve("cached-gone.test")).isInstanceOf(NoSuchHostException.class);
    }

    @Test
    void leavesJavasCachedRepeatOfATemporaryFailurePossiblyTemporary() {
        assertThatThrownBy(() -> permissive.resolve("cached-flaky.test")).isNotInstanceOf(NoSuchHostException.class);

        assertThatThrownBy(() -> permissive.resolve("cached-flaky.test"))
                .isInstanceOf(UnknownHostException.class)
                .isNotInstanceOf(NoSuchHostException.class);
    }
}
