package io.tcpecho.echo;

import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Level;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.proxy.ProxyV1Line;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.OptionalProxyProtocolProfile;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.ProxyHeaders;

/**
 * {@code echo.proxy-protocol=optional}: a header is used when there is one, and a client that sends none (one that
 * bypassed the load balancer) is echoed as usual, even when its bytes begin like a header.
 */
@QuarkusTest
@TestProfile(OptionalProxyProtocolProfile.class)
class OptionalProxyProtocolTest {

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aConnectionWithAHeaderHasItConsumed() throws Exception {
        byte[] payload = EchoClient.randomBytes(100_000, 7);
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(ProxyHeaders.v2(TCP4, "203.0.113.70", 50070, "198.51.100.1", 7, List.of()));
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).isEqualTo(payload);
        }
    }

    @Test
    void aConnectionWithoutAHeaderIsEchoedAsItIs() throws Exception {
        assertEchoedAsData("hello\n");
        // Too short to tell until the client's FIN: data after all.
        assertEchoedAsData("PRO");
    }

    @Test
    void bytesThatOnlyBeginLikeAHeaderAreEchoedOnceTheTimeoutHasPassed() throws Exception {
        byte[] ambiguous = "PROX".getBytes(StandardCharsets.US_ASCII);
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(ambiguous);
            assertThat(client.read(ambiguous.length)).as("echoed after echo.proxy-protocol-timeout").isEqualTo(ambiguous);
            client.write("Y!".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.read(2)).isEqualTo("Y!".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Each reason in our words (not the decoder's exception text), logged once at WARN and then at DEBUG, which the
     * test's LogLines turns on.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PROXY bogus 1.2.3.4 5.6.7.8 1 2 | unknown protocol 'bogus' in the PROXY v1 header; expected TCP4, TCP6 or UNKNOWN",
            "PROXY UDP4 1.2.3.4 5.6.7.8 1 2 | unknown protocol 'UDP4' in the PROXY v1 header; expected TCP4, TCP6 or UNKNOWN",
            "PROXY TCP4 forged | the PROXY v1 TCP4 header has 3 fields; expected 6: PROXY TCP4 <source address>"
                    + " <destination address> <source port> <destination port>",
            "PROXY TCP4 1.2.3.999 5.6.7.8 1 2 | source address '1.2.3.999' in the PROXY v1 header is not an IPv4 address,"
                    + " as TCP4 requires",
            "PROXY TCP6 2001:db8::1 5.6.7.8 1 2 | destination address '5.6.7.8' in the PROXY v1 header is not an IPv6"
                    + " address, as TCP6 requires",
            "PROXY TCP4 1.2.3.4 5.6.7.8 0 2 | source port '0' in the PROXY v1 header is not a port; expected 1 to 65535",
            "PROXY TCP4 1.2.3.4 5.6.7.8 1 http | destination port 'http' in the PROXY v1 header is not a port; expected 1"
                    + " to 65535",
    })
    void aMalformedV1HeaderIsRejectedSayingWhatIsWrong(String header, String reason) throws Exception {
        assertRejectedAsInvalid((header + "\r\n").getBytes(StandardCharsets.US_ASCII), reason);
    }

    /** A v2 header's fixed part after its signature (version and command, family, length), then what follows. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "91 11 00 00 | version 9 in the PROXY v2 header; expected 2",
            "23 11 00 00 | command 3 in the PROXY v2 header; expected 0 (LOCAL) or 1 (PROXY)",
            "21 41 00 00 | address family and transport 0x41 in the PROXY v2 header; expected 0x00 (unspecified), 0x11 or"
                    + " 0x12 (IPv4), 0x21 or 0x22 (IPv6), 0x31 or 0x32 (UNIX)",
            "21 11 00 05 01 02 03 04 05 | the PROXY v2 header has 5 bytes for addresses where its family needs 12",
    })
    void aMalformedV2HeaderIsRejectedSayingWhatIsWrong(String afterSignature, String reason) throws Exception {
        assertRejectedAsInvalid(ProxyHeaders.v2Raw(HexFormat.ofDelimiter(" ").parseHex(afterSignature)), reason);
    }

    @Test
    void aV1LineWithoutItsEndWithinTheLengthAllowedIsRejected() throws Exception {
        assertRejectedAsInvalid(("PROXY UNKNOWN " + "x".repeat(ProxyV1Line.MAX_LENGTH)).getBytes(StandardCharsets.US_ASCII),
                "no CRLF within the 107 bytes a PROXY v1 header may take");
    }

    private void assertRejectedAsInvalid(byte[] header, String reason) throws Exception {
        String rejected = "echo_proxy_protocol_rejected_total{reason=\"invalid\"}";
        double before = Prometheus.scrape(metrics).value(rejected);
        try (LogLines log = LogLines.of(ProxyProtocolReader.class.getName(), Level.FINE);
                EchoClient client = EchoClient.connect(server.port())) {
            client.write(header);
            assertThat(client.readToEnd()).isEmpty();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(log.lines()).singleElement().asString()
                    .contains("unechoed: malformed PROXY protocol header (" + reason + ")"));
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(Prometheus.scrape(metrics).value(rejected)).isEqualTo(before + 1));
    }

    private void assertEchoedAsData(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.sendThenHalfClose(bytes);
            assertThat(client.readToEnd()).isEqualTo(bytes);
        }
    }
}
