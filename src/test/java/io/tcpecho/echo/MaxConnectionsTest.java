package io.tcpecho.echo;

import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
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

@QuarkusTest
@TestProfile(MaxConnectionsTest.FourConnections.class)
class MaxConnectionsTest {

    public static class FourConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("echo.max-connections", "4");
        }
    }

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void connectionsOverTheLimitAreClosedAtOnceAndCounted() throws Exception {
        double before = Prometheus.scrape(metrics).value(closed("over_limit"));
        List<EchoClient> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                EchoClient client = EchoClient.connect(server.port());
                admitted.add(client);
                client.write(new byte[] { (byte) i });
                assertThat(client.read(1)).containsExactly((byte) i);
            }
            try (EchoClient rejected = EchoClient.connect(server.port())) {
                assertThat(closedByServer(rejected)).isTrue();
            }
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(Prometheus.scrape(metrics).value(closed("over_limit"))).isEqualTo(before + 1));

            // Admitted connections are unaffected, and a freed slot is usable again.
            admitted.remove(0).close();
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(Prometheus.scrape(metrics).value("echo_connections_active")).isEqualTo(3));
            try (EchoClient next = EchoClient.connect(server.port())) {
                next.write(new byte[] { 42 });
                assertThat(next.read(1)).containsExactly(42);
            }
            admitted.get(0).write(new byte[] { 9 });
            assertThat(admitted.get(0).read(1)).containsExactly(9);
        } finally {
            for (EchoClient client : admitted) {
                client.close();
            }
        }
    }

    private static boolean closedByServer(EchoClient client) {
        try {
            return client.socket().getInputStream().read() == -1;
        } catch (IOException reset) {
            return true;
        }
    }
}
