package io.tcpecho.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.util.Arrays;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.RequiredProxyProtocolProfile;

/**
 * The UDP echo on the wildcard address answers each datagram from the address it was sent to: a connected UDP client
 * (and conntrack) takes no reply from another. Before, only the primary address was answered: a datagram to
 * 127.0.0.2 got its reply from 127.0.0.1, which a client connected to 127.0.0.2 never sees.
 */
@QuarkusTest
@TestProfile(RequiredProxyProtocolProfile.class)
class UdpReplyAddressTest {

    @Inject
    UdpEchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @ParameterizedTest(name = "to {0}")
    @ValueSource(strings = { "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "::1" })
    void aConnectedClientGetsItsReplyFromTheAddressItSentTo(String address) throws Exception {
        InetAddress target = InetAddress.getByName(address);
        for (int round = 0; round < 3; round++) {
            // The first datagram to an address that no interface lists reaches the wildcard socket; later ones the
            // socket bound for it. Both must be answered from it.
            assertAnswered(target, round);
        }
    }

    @Test
    void everyAddressOfTheLoopbackRangeIsAnsweredFromItself() throws Exception {
        // Addresses no interface lists, each new to the server: found from the datagram's destination.
        for (int last = 10; last < 40; last++) {
            assertAnswered(InetAddress.getByName("127.0.9." + last), last);
        }
        assertThat(Prometheus.scrape(metrics).value("echo_udp_local_address_sockets")).isGreaterThanOrEqualTo(30);
    }

    private void assertAnswered(InetAddress target, int seed) throws Exception {
        byte[] payload = EchoClient.randomBytes(100 + seed, seed);
        InetAddress from = InetAddress.getByName(target instanceof Inet6Address ? "::1" : "127.0.0.1");
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(from, 0))) {
            client.connect(target, server.port());
            client.setSoTimeout(5_000);
            client.send(new DatagramPacket(payload, payload.length));
            DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
            client.receive(reply);
            assertThat(Arrays.copyOf(reply.getData(), reply.getLength())).isEqualTo(payload);
            assertThat(reply.getAddress()).isEqualTo(target);
        }
    }
}
