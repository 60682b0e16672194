package io.tcpecho.echo;

import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.OptionalProxyProtocolProfile;
import io.tcpecho.testing.Prometheus;

@QuarkusTest
@TestProfile(OptionalProxyProtocolProfile.class)
class IdleTimeoutTest {

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void silentConnectionIsClosedAndCounted() throws Exception {
        double before = Prometheus.scrape(metrics).value(closed("idle_timeout"));
        try (EchoClient client = EchoClient.connect(server.port())) {
            long start = System.nanoTime();
            assertThat(client.readToEnd()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(Prometheus.scrape(metrics).value(closed("idle_timeout"))).isEqualTo(before + 1));
    }

    @Test
    void connectionWithTrafficOutlivesTheTimeout() throws Exception {
        try (EchoClient client = EchoClient.connect(server.port())) {
            for (int i = 0; i < 12; i++) { // about three idle timeouts in all
                client.write(new byte[] { (byte) i });
                assertThat(client.read(1)).containsExactly((byte) i);
                Thread.sleep(150); // time passing is the test: quiet spells shorter than the timeout, adding up past it
            }
        }
    }
}
