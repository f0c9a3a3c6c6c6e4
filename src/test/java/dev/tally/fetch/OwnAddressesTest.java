package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** This machine's own addresses, as the operating system lists them. */
class OwnAddressesTest {

    @Test
    void includesTheAddressThisMachineSendsFrom() throws Exception {
        InetAddress sendsFrom;
        try (var socket = new DatagramSocket()) {
            // Connecting a UDP socket sends nothing: the kernel only picks the route and its source address.
            socket.connect(new InetSocketAddress(InetAddress.getByName("93.184.215.14"), 9));
            sendsFrom = socket.getLocalAddress();
        }

        assertThat(OwnAddresses.SYSTEM.current()).contains(sendsFrom, InetAddress.getByName("127.0.0.1"));
        assertThat(OwnAddresses.SYSTEM.test(sendsFrom)).isTrue();
    }

    @Test
    void doesNotIncludeAnAddressOfAnotherMachine() throws Exception {
        assertThat(OwnAddresses.SYSTEM.test(InetAddress.getByName("93.184.215.14"))).isFalse();
    }
}
