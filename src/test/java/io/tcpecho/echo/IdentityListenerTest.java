package io.tcpecho.echo;

import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP4;
import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.ProxyHeaders;
import io.tcpecho.testing.RequiredProxyProtocolProfile;
import io.tcpecho.whoami.WhoamiServer;
import io.vertx.core.json.JsonObject;

/**
 * The identity listener (echo.identity.port) behind required PROXY headers: each connection's first line is its whoami
 * line, then the echo is the echo port's, byte for byte, half-close included; the echo port itself sends no line.
 */
@QuarkusTest
@TestProfile(RequiredProxyProtocolProfile.class)
class IdentityListenerTest {

    @Inject
    EchoServer server;

    @Inject
    WhoamiServer whoami;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void theWhoamiLineComesFirstThenTheEchoByteForByteThenTheServersFinAfterTheClients() throws Exception {
        byte[] payload = EchoClient.randomBytes(1024 * 1024, 23);
        try (EchoClient client = EchoClient.connect(server.identityPort())) {
            client.write(ProxyHeaders.v1(TCP4, "203.0.113.7", 51234, "198.51.100.1", 7009));
            JsonObject line = new JsonObject(readLine(client));
            assertThat(line.getString("client")).as("the header's client").isEqualTo("203.0.113.7:51234");
            assertThat(line.getString("peer")).isEqualTo("127.0.0.1:" + client.socket().getLocalPort());
            assertThat(line.getString("server")).endsWith(":" + server.identityPort());
            assertThat(line.getString("pod")).isNotBlank();
            assertThat(line.getJsonObject("proxy").getInteger("version")).isEqualTo(1);
            assertThat(line.getLong("connection")).isPositive();

            client.write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.read(5)).as("an echo before the client's FIN").isEqualTo("ping\n".getBytes(StandardCharsets.US_ASCII));
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).as("the rest of the echo, exactly, then the server's FIN").isEqualTo(payload);
        }
    }

    @Test
    void aClientThatHalfClosesAtOnceGetsItsLineThenTheServersFin() throws Exception {
        try (EchoClient client = EchoClient.connect(server.identityPort())) {
            client.write(ProxyHeaders.v2Local());
            client.socket().shutdownOutput();
            String reply = new String(client.readToEnd(), StandardCharsets.UTF_8);
            assertThat(reply).as("one line, nothing echoed").endsWith("\n").containsOnlyOnce("\n");
            assertThat(new JsonObject(reply).getString("client")).as("LOCAL names no client: the peer")
                    .isEqualTo("127.0.0.1:" + client.socket().getLocalPort());
        }
    }

    @Test
    void itsConnectionsAreEchoConnectionsInTheMetricsAndItsLineIsNoEcho() throws Exception {
        Map<String, Double> before = echoMetrics();
        byte[] payload = EchoClient.randomBytes(1000, 7);
        try (EchoClient client = EchoClient.connect(server.identityPort())) {
            client.write(ProxyHeaders.v1(TCP4, "203.0.113.8", 40008, "198.51.100.1", 7009));
            readLine(client);
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).isEqualTo(payload);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(echoMetrics()).isEqualTo(Map.of(
                "echo_connections_opened_total", before.get("echo_connections_opened_total") + 1,
                closed("completed"), before.get(closed("completed")) + 1,
                "echo_bytes_received_total", before.get("echo_bytes_received_total") + payload.length,
                "echo_bytes_sent_total", before.get("echo_bytes_sent_total") + payload.length)));
    }

    @Test
    void theWhoamiAndTheIdentityListenerNumberTheirConnectionsInOneSequence() throws Exception {
        long first = identityLine().getLong("connection");
        long asked;
        try (EchoClient client = EchoClient.connect(whoami.port())) {
            client.write(ProxyHeaders.v2Local());
            asked = new JsonObject(new String(client.readToEnd(), StandardCharsets.UTF_8)).getLong("connection");
        }
        long second = identityLine().getLong("connection");
        assertThat(asked).isGreaterThan(first);
        assertThat(second).isGreaterThan(asked);
    }

    @Test
    void theEchoPortSendsNoLine() throws Exception {
        byte[] payload = "no line first\n".getBytes(StandardCharsets.US_ASCII);
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(ProxyHeaders.v1(TCP4, "203.0.113.9", 40009, "198.51.100.1", 7007));
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).isEqualTo(payload);
        }
    }

    private JsonObject identityLine() throws Exception {
        try (EchoClient client = EchoClient.connect(server.identityPort())) {
            client.write(ProxyHeaders.v2Local());
            JsonObject line = new JsonObject(readLine(client));
            client.socket().shutdownOutput();
            assertThat(client.readToEnd()).isEmpty();
            return line;
        }
    }

    private Map<String, Double> echoMetrics() {
        Prometheus scraped = Prometheus.scrape(metrics);
        return Map.of("echo_connections_opened_total", scraped.value("echo_connections_opened_total"),
                closed("completed"), scraped.value(closed("completed")),
                "echo_bytes_received_total", scraped.value("echo_bytes_received_total"),
                "echo_bytes_sent_total", scraped.value("echo_bytes_sent_total"));
    }

    /** The first line, read byte by byte so that nothing after it is consumed; without its newline. */
    private static String readLine(EchoClient client) throws IOException {
        InputStream in = client.socket().getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            assertThat(b).as("the line ended before the server's FIN").isNotNegative();
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
