package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.udp.UdpEchoServer;
import io.vertx.core.json.JsonObject;

/** {@code load udp} against the real UDP echo, and against one that alters bytes, which it must catch. */
@QuarkusTest
class UdpLoadTest {

    @Inject
    UdpEchoServer server;

    @Test
    void everyDatagramIsEchoedAndVerifiedOnLoopback() {
        Outcome outcome = LoadClient.run("udp", "-t", "127.0.0.1:" + server.port(), "-r", "200", "-d", "1s",
                "-m", "1200", "--max-loss", "0", "--format", "json");
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        JsonObject report = new JsonObject(outcome.out().strip());
        assertThat(report.getLong("sent")).isEqualTo(200);
        assertThat(report.getLong("echoed")).isEqualTo(200);
        assertThat(report.getLong("corrupted")).isZero();
        assertThat(report.getJsonObject("roundTripMicros").getDouble("p50")).isPositive();
    }

    @Test
    void anAlteredByteFailsTheRun() throws Exception {
        try (DatagramSocket broken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Thread echo = new Thread(() -> alterEveryTenth(broken), "broken-udp-echo");
            echo.setDaemon(true);
            echo.start();
            Outcome outcome = LoadClient.run("udp", "-t", "127.0.0.1:" + broken.getLocalPort(), "-r", "100",
                    "-d", "500ms");
            assertThat(outcome.exit()).isEqualTo(1);
            assertThat(outcome.out()).contains("echoed     45 (loss 10.00 %)")
                    .contains("FAILED: 5 corrupted replies, first: the reply to datagram 0 differs");
            assertThat(outcome.err()).as("as every workload says why it failed").isEqualTo("load: FAILED: 5 corrupted replies, "
                    + "first: the reply to datagram 0 differs from what was sent" + System.lineSeparator());
        }
    }

    /** Echoes, but flips the last byte of datagrams 0, 10, 20 ... */
    private static void alterEveryTenth(DatagramSocket socket) {
        byte[] buffer = new byte[65_536];
        try {
            for (int i = 0; ; i++) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                if (i % 10 == 0) {
                    buffer[packet.getLength() - 1] ^= 1;
                }
                socket.send(new DatagramPacket(buffer, packet.getLength(), packet.getSocketAddress()));
            }
        } catch (SocketException closed) {
            // the test is over
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
