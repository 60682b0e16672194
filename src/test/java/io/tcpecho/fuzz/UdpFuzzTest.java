package io.tcpecho.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.FuzzSeeds;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.udp.UdpEchoServer;

/**
 * The UDP guard's inputs, seeded: datagrams of random sizes (0 to 65,507 bytes) and contents from random loopback
 * sources and ports, well-known service ports among them (hundreds from each). Every datagram from an ordinary port
 * comes back exactly, to its own socket; none from a service port does, and each is counted; nothing is logged.
 * <p>
 * Seeded by {@link FuzzSeeds}: a fixed list by default, with every seed that ever failed kept as a regression case;
 * {@code -Dtcpecho.fuzz.seed=random} runs one seed from the clock, {@code -Dtcpecho.fuzz.seed=<n>} replays seed n.
 * {@code -Dfuzz.datagrams=<n>} sends n datagrams per seed instead of 2,000.
 */
@QuarkusTest
class UdpFuzzTest {

    private static final int DATAGRAMS = Integer.getInteger("fuzz.datagrams", 2000);
    private static final int[] SERVICE_PORTS = { 7, 9, 13, 17, 19, 37, 53, 69, 111, 123, 137, 161, 389, 520, 1900, 5353,
            11211 };

    @Inject
    UdpEchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    static Stream<Named<Long>> seeds() {
        return FuzzSeeds.fixed(1, 2)
                .regression(6349187905872L, "drew ordinary source port 1900, a service port, and expected its echo")
                .seeds(UdpFuzzTest.class);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyDatagramIsEchoedExactlyOrDroppedForItsSourcePort(long seed) throws Exception {
        Random random = new Random(seed);
        InetSocketAddress echo = new InetSocketAddress(EchoClient.HOST, server.port());
        Prometheus before = Prometheus.scrape(metrics);
        List<DatagramChannel> unanswered = new ArrayList<>();
        int fromServicePorts = 0;
        try (LogLines log = LogLines.all()) {
            for (int i = 0; i < DATAGRAMS; i++) {
                boolean service = random.nextInt(4) == 0;
                // Sources spread over 127.0.0.0/8, a few datagrams each: no per-source rate is reached.
                String source = "127.%d.%d.%d".formatted(1 + random.nextInt(250), random.nextInt(256), 1 + random.nextInt(254));
                int port = service ? SERVICE_PORTS[random.nextInt(SERVICE_PORTS.length)] : ordinaryPort(random);
                DatagramChannel channel = bind(source, port);
                if (channel == null) {
                    continue; // that port is taken here
                }
                // Datagrams that get no reply are not waited for: small, so that they never fill the server's socket buffer.
                byte[] payload = new byte[service ? random.nextInt(512) : size(random)];
                random.nextBytes(payload);
                channel.send(ByteBuffer.wrap(payload), echo);
                if (service) {
                    unanswered.add(channel);
                    fromServicePorts++;
                } else {
                    // One at a time: a burst of large datagrams would overflow the server's socket buffer.
                    assertEchoed(channel, payload, source + ":" + port, seed);
                    channel.close();
                }
            }
            // Every reply the server sent has arrived by now (one event loop answers in order): these got none.
            ByteBuffer none = ByteBuffer.allocate(16);
            for (DatagramChannel channel : unanswered) {
                channel.configureBlocking(false);
                assertThat(channel.receive(none)).as("seed %d: no reply to a service port", seed).isNull();
                channel.close();
            }
            int dropped = fromServicePorts;
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(delta(before,
                    "echo_udp_dropped_total{reason=\"service_port\"}")).as("seed %d", seed).isEqualTo(dropped));
            assertThat(delta(before, "echo_udp_dropped_total{reason=\"rate_per_source\"}")
                    + delta(before, "echo_udp_dropped_total{reason=\"rate_global\"}")).isZero();
            log.assertNoFlood(0);
        }
    }

    /** A port above 1023 that is no service's: 1900, 5353 and 11211 are above it too (seed 6349187905872 drew 1900). */
    private static int ordinaryPort(Random random) {
        while (true) {
            int port = 1024 + random.nextInt(64_000);
            if (IntStream.of(SERVICE_PORTS).noneMatch(service -> service == port)) {
                return port;
            }
        }
    }

    /** Mostly small datagrams, some up to the largest IPv4 carries, and empty ones. */
    private static int size(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 65_507 - random.nextInt(100);
            case 2, 3 -> random.nextInt(65_508);
            default -> random.nextInt(1500);
        };
    }

    private static void assertEchoed(DatagramChannel channel, byte[] payload, String from, long seed) throws IOException {
        ByteBuffer reply = ByteBuffer.allocate(65_536);
        channel.socket().setSoTimeout(5_000);
        try {
            receive(channel, reply);
        } catch (SocketTimeoutException lost) {
            throw new AssertionError("seed " + seed + ": no reply to " + payload.length + " bytes from " + from, lost);
        }
        reply.flip();
        byte[] echoed = new byte[reply.remaining()];
        reply.get(echoed);
        assertThat(echoed).as("seed %d: the reply to %d bytes from %s", seed, payload.length, from).isEqualTo(payload);
    }

    private static void receive(DatagramChannel channel, ByteBuffer into) throws IOException {
        // A blocking DatagramChannel has no timeout of its own; its socket adaptor's receive honours SO_TIMEOUT.
        DatagramPacket packet = new DatagramPacket(into.array(), into.capacity());
        channel.socket().receive(packet);
        into.position(packet.getLength());
    }

    private static DatagramChannel bind(String address, int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.socket().setReceiveBufferSize(1 << 20);
        try {
            channel.bind(new InetSocketAddress(address, port));
            return channel;
        } catch (IOException taken) {
            channel.close();
            return null;
        }
    }

    private double delta(Prometheus before, String series) {
        return Prometheus.scrape(metrics).value(series) - before.value(series);
    }
}
