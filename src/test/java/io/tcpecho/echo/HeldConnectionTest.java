package io.tcpecho.echo;

import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.HoldingGate;
import io.tcpecho.testing.LimitsProfile;
import io.tcpecho.testing.Prometheus;

/**
 * Connections held before their echo starts, as dev mode holds them during a live-reload scan: whatever the
 * client does while held (send, half-close, reset), it is served or counted once released, and nothing is lost.
 */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class HeldConnectionTest {

    @Inject
    EchoServer server;

    @Inject
    HoldingGate gate;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @BeforeEach
    void holdEveryConnection() {
        gate.hold();
    }

    /** A test that failed before releasing its connection must not leave it to the next test, nor the gate holding. */
    @AfterEach
    void closeWhatIsStillHeld() {
        gate.stopHolding();
    }

    @Test
    void dataAndFinSentWhileHeldAreEchoedOnceReleased() throws Exception {
        Prometheus before = scrape();
        byte[] payload = "hello\n".getBytes();
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(payload);
            client.socket().shutdownOutput();
            await("the FIN reaches the server while the connection is held").atMost(Duration.ofSeconds(5))
                    .until(() -> gate.held().peek() != null && gate.held().peek().clientEnded());
            gate.releaseNext();
            assertThat(client.readToEnd()).isEqualTo(payload);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Prometheus after = scrape();
            assertThat(after.value(closed("completed"))).isEqualTo(before.value(closed("completed")) + 1);
            assertThat(after.value("echo_connections_active")).isZero();
        });
    }

    @Test
    void moreThanTheSocketBuffersHoldIsEchoedWhole() throws Exception {
        byte[] payload = EchoClient.randomBytes(8 * 1024 * 1024, 8);
        try (EchoClient client = EchoClient.connect(server.port())) {
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            // The sender fills the kernel buffers and stays blocked while the connection is held.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !sent.isDone());
            gate.releaseNext();
            assertThat(client.readToEnd()).isEqualTo(payload);
            sent.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void resetWhileHeldIsCountedOnceAndLeavesNothingOpen() throws Exception {
        Prometheus before = scrape();
        EchoClient client = EchoClient.connect(server.port());
        client.write(EchoClient.randomBytes(4096, 4));
        // On loopback the reset reaches the server's kernel before reset() returns. The held connection is not
        // read, so the server meets the reset only once released: with the data before it, which it lets go.
        client.reset();
        gate.releaseNext();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Prometheus after = scrape();
            assertThat(after.value("echo_connections_opened_total")).isEqualTo(before.value("echo_connections_opened_total") + 1);
            assertThat(after.value(closed("reset"))).isEqualTo(before.value(closed("reset")) + 1);
            assertThat(after.value("echo_connections_active")).isZero();
        });
        // and the next connection is served as usual
        try (EchoClient next = EchoClient.connect(server.port())) {
            CompletableFuture<Void> sent = next.sendThenHalfClose(new byte[] { 1, 2, 3 });
            gate.releaseNext();
            assertThat(next.readToEnd()).containsExactly(1, 2, 3);
            sent.get(5, TimeUnit.SECONDS);
        }
        assertThat(List.copyOf(gate.held())).isEmpty();
    }

    private Prometheus scrape() {
        return Prometheus.scrape(metrics);
    }
}
