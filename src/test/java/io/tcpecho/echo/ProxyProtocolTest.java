package io.tcpecho.echo;

import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP4;
import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP6;
import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.ProxyHeaders;
import io.tcpecho.whoami.WhoamiServer;
import io.vertx.core.json.JsonObject;

/**
 * {@code echo.proxy-protocol=required}: the header is consumed, the echo after it is byte-exact, the client it
 * names is the one the per-client limit counts, and every connection without a valid header is closed unechoed
 * and counted by reason.
 */
@QuarkusTest
@TestProfile(ProxyProtocolTest.Required.class)
class ProxyProtocolTest {

    public static class Required implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("echo.proxy-protocol", "required", "echo.proxy-protocol-timeout", "1s",
                    "echo.max-connections-per-client", "1", "echo.access-log", "true");
        }
    }

    @Inject
    EchoServer server;

    @Inject
    WhoamiServer whoami;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    static Stream<Arguments> headers() {
        // Each case comes from a loopback address of its own: UNKNOWN and LOCAL name no client, so the peer is
        // counted, and the limit of one must not see the previous case's connection still closing.
        return Stream.of(
                Arguments.of("v1 TCP4", ProxyHeaders.v1(TCP4, "203.0.113.1", 40001, "198.51.100.1", 7), 1, "127.0.0.11"),
                Arguments.of("v1 TCP6", ProxyHeaders.v1(TCP6, "2001:db8::2", 40002, "2001:db8::1", 7), 1, "127.0.0.12"),
                Arguments.of("v1 UNKNOWN", ProxyHeaders.v1Unknown(), 1, "127.0.0.13"),
                Arguments.of("v2 TCP4 with TLVs", ProxyHeaders.v2(TCP4, "203.0.113.3", 40003, "198.51.100.1", 7,
                        ProxyHeaders.cloudTlvs()), 2, "127.0.0.14"),
                Arguments.of("v2 TCP6", ProxyHeaders.v2(TCP6, "2001:db8::4", 40004, "2001:db8::1", 7, List.of()), 2,
                        "127.0.0.15"),
                Arguments.of("v2 LOCAL", ProxyHeaders.v2Local(), 2, "127.0.0.16"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void theHeaderIsConsumedAndTheEchoAfterItIsByteExact(String name, byte[] header, int version, String from)
            throws Exception {
        double before = headersOf(version);
        byte[] payload = EchoClient.randomBytes(300_000, header.length);
        try (EchoClient client = EchoClient.connect(server.port(), socket -> socket.bind(new InetSocketAddress(from, 0)))) {
            client.write(header);
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).as("the echo: the payload, without the header").isEqualTo(payload);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(headersOf(version)).isEqualTo(before + 1));
    }

    @Test
    void theAccessLogNamesTheClientOfTheHeaderAndThePeerItCameThrough() throws Exception {
        byte[] payload = "through the balancer\n".getBytes(StandardCharsets.US_ASCII);
        try (LogLines access = LogLines.of("io.tcpecho.access");
                EchoClient client = EchoClient.connect(server.port(),
                        socket -> socket.bind(new InetSocketAddress("127.0.0.20", 0)))) {
            client.write(ProxyHeaders.v2(TCP6, "2001:db8::20", 40020, "2001:db8::1", 7, List.of()));
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).isEqualTo(payload);
            String peer = "peer=127.0.0.20:" + client.socket().getLocalPort();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(access.lines()).anySatisfy(line -> assertThat(line)
                    .startsWith("client=[2001:db8::20]:40020 " + peer + " proxy=v2 received=" + payload.length
                            + " sent=" + payload.length + " duration_ms=")
                    .contains(" reason=completed pod=")));
        }
    }

    @Test
    void whoamiReportsTheClientOfTheHeaderWithItsTlvsAndThePeerItCameThrough() throws Exception {
        try (EchoClient client = EchoClient.connect(whoami.port(),
                socket -> socket.bind(new InetSocketAddress("127.0.0.21", 0)))) {
            client.write(ProxyHeaders.v2(TCP4, "203.0.113.30", 40030, "198.51.100.1", 8008, ProxyHeaders.cloudTlvs()));
            JsonObject reply = new JsonObject(new String(client.readToEnd(), StandardCharsets.UTF_8));
            assertThat(reply.getString("client")).isEqualTo("203.0.113.30:40030");
            assertThat(reply.getString("peer")).isEqualTo("127.0.0.21:" + client.socket().getLocalPort());
            JsonObject proxy = reply.getJsonObject("proxy");
            assertThat(proxy.getInteger("version")).isEqualTo(2);
            assertThat(proxy.getString("command")).isEqualTo("proxy");
            assertThat(proxy.getString("protocol")).isEqualTo("tcp4");
            assertThat(proxy.getString("destination")).isEqualTo("198.51.100.1:8008");
            assertThat(proxy.getJsonObject("tlvs").getString("aws_vpce_id")).isEqualTo("vpce-08d2bf15fac5001c9");
            assertThat(proxy.getJsonObject("tlvs").getString("authority")).isEqualTo("echo.example.com");
        }
    }

    @Test
    void theClientTheHeaderNamesIsTheOneThePerClientLimitCounts() throws Exception {
        byte[] fromA = ProxyHeaders.v2(TCP4, "203.0.113.50", 50001, "198.51.100.1", 7, List.of());
        byte[] fromAAgain = ProxyHeaders.v1(TCP4, "203.0.113.50", 50002, "198.51.100.1", 7);
        byte[] fromB = ProxyHeaders.v1(TCP4, "203.0.113.51", 50003, "198.51.100.1", 7);
        double refused = metric(closed("over_client_limit"));
        // All three connections come from 127.0.0.1: only the headers tell the clients apart.
        try (EchoClient a = EchoClient.connect(server.port())) {
            a.write(fromA);
            assertEchoes(a, "first");
            try (EchoClient aAgain = EchoClient.connect(server.port())) {
                aAgain.write(fromAAgain);
                assertThat(aAgain.readToEnd()).as("203.0.113.50 is at its limit of one").isEmpty();
            }
            try (EchoClient b = EchoClient.connect(server.port())) {
                b.write(fromB);
                assertEchoes(b, "second");
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(metric(closed("over_client_limit"))).isEqualTo(refused + 1));
    }

    @Test
    void aHeaderSplitAcrossSegmentsIsReassembled() throws Exception {
        byte[] header = ProxyHeaders.v2(TCP4, "203.0.113.60", 50010, "198.51.100.1", 7, ProxyHeaders.cloudTlvs());
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.socket().setTcpNoDelay(true);
            for (byte b : header) {
                client.write(new byte[] { b });
                // Pacing, not waiting: each byte leaves in a segment of its own and is read on its own.
                Thread.sleep(2);
            }
            assertEchoes(client, "after a header in " + header.length + " segments");
        }
    }

    @Test
    void aConnectionWithoutAHeaderIsClosedUnechoedAndCounted() throws Exception {
        assertRejected("missing", client -> client.write("hello\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aMalformedHeaderIsClosedUnechoedAndCounted() throws Exception {
        assertRejected("invalid", client -> client.write("PROXY TCP4 not-an-address\r\nhello\n".getBytes(StandardCharsets.US_ASCII)));
        assertRejected("invalid", client -> client.write(bytes(0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49,
                0x54, 0x0A, 0x99, 0x11, 0x00, 0x00)));
    }

    /**
     * A TLV whose length runs past the header made Netty's decoder throw midway: Vert.x logged an ERROR for every such
     * connection, counted it as incomplete, and the TLVs read before it were never released.
     */
    @Test
    void aTlvLongerThanItsHeaderIsInvalidAndNoError() throws Exception {
        byte[] sslTlvOf500 = v2WithTlvs(0x20, 0x01, 0xF4, 0x01, 0x00);
        byte[] subTlvOf9000 = v2WithTlvs(0x01, 0x00, 0x02, 'h', '2', 0x20, 0x00, 0x0C, 0x01, 0x00, 0x00, 0x00, 0x00,
                0x22, 0x23, 0x28, 'C', 'N', '=', 'x');
        try (LogLines log = LogLines.all()) {
            assertRejected("invalid", client -> client.write(sslTlvOf500));
            assertRejected("invalid", client -> client.write(subTlvOf9000));
            assertThat(log.at(java.util.logging.Level.SEVERE)).as("no ERROR").isEmpty();
            assertThat(log.thrown()).as("no stack trace").isEmpty();
        }
    }

    /** A v2 header for TCP4 from 203.0.113.1:1 to 198.51.100.1:7 followed by {@code tlvs}, its length counting them. */
    private static byte[] v2WithTlvs(int... tlvs) {
        int[] head = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00,
                12 + tlvs.length, 203, 0, 113, 1, 198, 51, 100, 1, 0x00, 0x01, 0x00, 0x07 };
        return bytes(java.util.stream.IntStream.concat(java.util.Arrays.stream(head), java.util.Arrays.stream(tlvs)).toArray());
    }

    @Test
    void aHeaderThatNeverCompletesTimesOutAndIsCounted() throws Exception {
        assertRejected("timeout", client -> client.write("PROXY TCP4 203.0.113.9".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aPeerThatEndsBeforeItsHeaderIsCompleteIsCounted() throws Exception {
        assertRejected("incomplete", client -> {
            client.write("PROXY TC".getBytes(StandardCharsets.US_ASCII));
            client.socket().shutdownOutput();
        });
        assertRejected("incomplete", client -> {
            client.write("PRO".getBytes(StandardCharsets.US_ASCII));
            client.socket().shutdownOutput();
        });
    }

    private void assertRejected(String reason, Step step) throws Exception {
        String rejected = "echo_proxy_protocol_rejected_total{reason=\"" + reason + "\"}";
        double before = metric(rejected);
        double opened = metric("echo_connections_opened_total");
        try (EchoClient client = EchoClient.connect(server.port())) {
            step.run(client);
            assertThat(client.readToEnd()).as("closed by the server, nothing echoed").isEmpty();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metric(rejected)).isEqualTo(before + 1));
        assertThat(metric("echo_connections_opened_total")).as("never an echo connection").isEqualTo(opened);
    }

    @FunctionalInterface
    private interface Step {
        void run(EchoClient client) throws IOException;
    }

    private static void assertEchoes(EchoClient client, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        client.write(bytes);
        assertThat(client.read(bytes.length)).isEqualTo(bytes);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private double headersOf(int version) {
        return metric("echo_proxy_protocol_headers_total{version=\"" + version + "\"}");
    }

    private double metric(String series) {
        return Prometheus.scrape(metrics).value(series);
    }
}
