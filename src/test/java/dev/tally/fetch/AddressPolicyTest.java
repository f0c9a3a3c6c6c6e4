package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    private final AddressPolicy strict = new AddressPolicy(false);
    private final AddressPolicy permissive = new AddressPolicy(true);

    @ParameterizedTest
    @ValueSource(strings = {
        "0.0.0.0", "0.255.255.255", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.255",
        "127.0.0.1", "127.255.255.254", "169.254.169.254", "172.16.0.1", "172.31.255.255",
        "192.0.0.1", "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7",
        "203.0.113.9", "224.0.0.1", "239.255.255.255", "240.0.0.1", "255.255.255.255"})
    void forbidsNonPublicIpv4Ranges(String address) throws UnknownHostException {
        assertThat(strict.isForbidden(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.1", "100.63.255.255", "100.128.0.1",
        "126.255.255.255", "128.0.0.1", "169.253.255.255", "172.15.255.255", "172.32.0.1",
        "192.0.1.1", "192.167.255.255", "192.169.0.1", "198.17.255.255", "198.20.0.1",
        "198.51.101.1", "203.0.114.1", "223.255.255.255", "93.184.216.34"})
    void allowsPublicIpv4(String address) throws UnknownHostException {
        assertThat(strict.isForbidden(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "::", "::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::127.0.0.1", "::a9fe:a9fe",
        "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:7f00:1::", "2002:c0a8:101::1",
        "100::1", "100::ffff:ffff:ffff:ffff", "2001:db8::1", "fc00::1", "fd12:3456::1",
        "fe80::1", "febf::1", "fec0::1", "feff::1", "ff02::1", "ff0e::1",
        // IPv4-translated (a SIIT translator delivers it to the IPv4 address), Teredo and the rest of
        // the IETF's 2001::/23, benchmarking, documentation 3fff::/20, SRv6 SIDs, unallocated space
        "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:2::1",
        "2001:1ff::1", "3fff::1", "3fff:fff::1", "5f00::1", "100:0:0:1::1", "fbff::1", "fe7f::1", "4000::1", "1fff::1"})
    void forbidsNonPublicIpv6AndEmbeddedIpv4(String address) throws UnknownHostException {
        assertThat(strict.isForbidden(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808",
        "2002:808:808::1", "2001:db9::1", "2001:200::1", "2a00:1450:4001::200e", "3fff:1000::1", "3ffe::1",
        "2000::1"})
    void allowsPublicIpv6(String address) throws UnknownHostException {
        assertThat(strict.isForbidden(InetAddress.getByName(address))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "::1", "fe80::1", "169.254.169.254"})
    void allowsEverythingWhenPrivateNetworksAllowed(String address) throws UnknownHostException {
        assertThat(permissive.isForbidden(InetAddress.getByName(address))).isFalse();
    }

    /** A public address of this machine leads back to it: here the machine is given 93.184.215.14. */
    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "::ffff:93.184.215.14", "64:ff9b::5db8:d70e", "2002:5db8:d70e::1"})
    void forbidsAnAddressOfThisMachineWhateverItsRange(String address) throws UnknownHostException {
        var onThisMachine = new AddressPolicy(false, Set.of(InetAddress.getByName("93.184.215.14"))::contains);

        assertThat(onThisMachine.isForbidden(InetAddress.getByName(address))).isTrue();
        assertThat(onThisMachine.isForbidden(InetAddress.getByName("93.184.215.15"))).isFalse();
    }

    @Test
    void allowsThisMachinesAddressesWhenPrivateNetworksAllowed() throws UnknownHostException {
        var onThisMachine = new AddressPolicy(true, Set.of(InetAddress.getByName("93.184.215.14"))::contains);

        assertThat(onThisMachine.isForbidden(InetAddress.getByName("93.184.215.14"))).isFalse();
    }
}
