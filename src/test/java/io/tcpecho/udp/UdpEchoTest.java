package io.tcpecho.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.time.Duration;
import java.util.Arrays;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Prometheus;

/** The UDP echo: every datagram back unchanged, from the smallest to the largest IPv4 carries; none to service ports. */
@QuarkusTest
class UdpEchoTest {

    @Inject
    UdpEchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = { 0, 1, 1472, 8192, 65_507 })
    void eachDatagramComesBackUnchanged(int size) throws IOException {
        byte[] payload = EchoClient.randomBytes(size, size);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(EchoClient.HOST, 0))) {
            client.setSoTimeout(5_000);
            client.setReceiveBufferSize(1 << 20);
            client.send(new DatagramPacket(payload, size, new InetSocketAddress(EchoClient.HOST, server.port())));
            DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
            client.receive(reply);
            assertThat(Arrays.copyOf(reply.getData(), reply.getLength())).isEqualTo(payload);
            assertThat(reply.getPort()).as("from the echo port").isEqualTo(server.port());
        }
    }

    @ParameterizedTest(name = "from port {0}")
    @ValueSource(ints = { 7, 19, 53 })
    void datagramsFromServicePortsGetNoReply(int sourcePort) throws IOException {
        String dropped = "echo_udp_dropped_total{reason=\"service_port\"}";
        double before = Prometheus.scrape(metrics).value(dropped);
        // Binding a port under 1024 needs root, as the test machines run; another echo service would sit here.
        try (DatagramSocket service = new DatagramSocket(new InetSocketAddress(EchoClient.HOST, sourcePort))) {
            service.setSoTimeout(1_000);
            service.send(new DatagramPacket(new byte[] { 1, 2, 3 }, 3, new InetSocketAddress(EchoClient.HOST, server.port())));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(Prometheus.scrape(metrics).value(dropped)).isEqualTo(before + 1));
            assertThatThrownBy(() -> service.receive(new DatagramPacket(new byte[16], 16)))
                    .as("no reply").isInstanceOf(SocketTimeoutException.class);
        }
    }
}
