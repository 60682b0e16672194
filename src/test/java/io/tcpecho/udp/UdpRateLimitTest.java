package io.tcpecho.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URL;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LimitsProfile;
import io.tcpecho.testing.Prometheus;

/** echo.udp.rate-per-source and rate-global: a flood from one source is cut to its rate, others are not. */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class UdpRateLimitTest {

    private static final int PER_SOURCE = LimitsProfile.UDP_RATE_PER_SOURCE;
    private static final int FLOOD = 400;

    @Inject
    UdpEchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aFloodFromOneSourceIsCutToItsRateAndAnotherSourceIsStillAnswered() throws IOException {
        Prometheus before = Prometheus.scrape(metrics);
        try (DatagramSocket flooder = socket("127.0.0.1"); DatagramSocket other = socket("127.0.0.2")) {
            for (int i = 0; i < FLOOD; i++) {
                send(flooder, i);
            }
            int echoed = drain(flooder);
            Prometheus after = Prometheus.scrape(metrics);
            // The kernel may drop some of the burst before the server reads it; of what arrived, all but the rate
            // (a burst of one second's worth, plus what refilled meanwhile) was dropped, and counted.
            double arrived = delta(before, after, "echo_udp_datagrams_received_total");
            double dropped = delta(before, after, "echo_udp_dropped_total{reason=\"rate_per_source\"}");
            assertThat(arrived).as("datagrams that reached the server").isGreaterThan(2 * PER_SOURCE);
            assertThat(echoed).isGreaterThanOrEqualTo(PER_SOURCE).isLessThan(2 * PER_SOURCE);
            assertThat(dropped).isEqualTo(arrived - echoed);
            assertThat(delta(before, after, "echo_udp_datagrams_echoed_total")).isEqualTo(echoed);

            send(other, 1);
            assertThat(drain(other)).as("another source has a rate of its own").isEqualTo(1);
        }
    }

    private static double delta(Prometheus before, Prometheus after, String series) {
        return after.value(series) - before.value(series);
    }

    private static DatagramSocket socket(String address) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0));
        socket.setReceiveBufferSize(1 << 20);
        socket.setSoTimeout(1_000);
        return socket;
    }

    private void send(DatagramSocket socket, int value) throws IOException {
        socket.send(new DatagramPacket(new byte[] { (byte) value }, 1, new InetSocketAddress(EchoClient.HOST, server.port())));
    }

    /** Counts replies until none comes for a second. */
    private static int drain(DatagramSocket socket) throws IOException {
        int replies = 0;
        while (true) {
            try {
                socket.receive(new DatagramPacket(new byte[16], 16));
                replies++;
            } catch (SocketTimeoutException quiet) {
                return replies;
            }
        }
    }
}
