package io.tcpecho.echo;

import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LimitsProfile;
import io.tcpecho.testing.Prometheus;

/** {@code echo.max-connections-per-client}: one address cannot take more, another address is not affected. */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class PerClientLimitTest {

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aClientAddressGetsItsLimitAndOtherAddressesAreNotAffected() throws Exception {
        double refusedBefore = Prometheus.scrape(metrics).value(closed("over_client_limit"));
        try (EchoClient first = from("127.0.0.1"); EchoClient second = from("127.0.0.1")) {
            assertEchoes(first, 1);
            assertEchoes(second, 2);

            try (EchoClient third = from("127.0.0.1")) {
                assertThat(third.readToEnd()).as("closed at once, nothing echoed").isEmpty();
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    Prometheus.scrape(metrics).value(closed("over_client_limit"))).isEqualTo(refusedBefore + 1));

            try (EchoClient otherAddress = from("127.0.0.2")) {
                assertEchoes(otherAddress, 3);
            }
            assertEchoes(first, 4);
        }
        // Both of 127.0.0.1's connections closed: its count is back to zero, not leaked.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (EchoClient again = from("127.0.0.1"); EchoClient andAgain = from("127.0.0.1")) {
                assertEchoes(again, 5);
                assertEchoes(andAgain, 6);
            }
        });
    }

    private EchoClient from(String localAddress) throws IOException {
        return EchoClient.connect(server.port(), socket -> socket.bind(new InetSocketAddress(localAddress, 0)));
    }

    private static void assertEchoes(EchoClient client, int value) throws IOException {
        client.write(new byte[] { (byte) value });
        assertThat(client.read(1)).containsExactly(value);
    }
}
