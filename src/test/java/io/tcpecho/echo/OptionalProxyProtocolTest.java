package io.tcpecho.echo;

import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.ProxyHeaders;

/**
 * {@code echo.proxy-protocol=optional}: a header is used when there is one, and a client that sends none (one that
 * bypassed the load balancer) is echoed as usual, even when its bytes begin like a header.
 */
@QuarkusTest
@TestProfile(OptionalProxyProtocolTest.Optional.class)
class OptionalProxyProtocolTest {

    public static class Optional implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("echo.proxy-protocol", "optional", "echo.proxy-protocol-timeout", "1s");
        }
    }

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

    @Test
    void aSignatureFollowedByGarbageIsStillRejected() throws Exception {
        String rejected = "echo_proxy_protocol_rejected_total{reason=\"invalid\"}";
        double before = Prometheus.scrape(metrics).value(rejected);
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write("PROXY TCP4 forged\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readToEnd()).isEmpty();
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
