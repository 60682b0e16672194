package io.tcpecho.echo;

import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Prometheus;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/**
 * Connections held before their echo starts, as dev mode holds them during a live-reload scan: whatever the
 * client does while held (send, half-close, reset), it is served or counted once released, and nothing is lost.
 */
@QuarkusTest
@TestProfile(HeldConnectionTest.WithHoldingGate.class)
class HeldConnectionTest {

    public static class WithHoldingGate implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(HoldingGate.class);
        }
    }

    /** Holds every accepted connection until the test releases it; enabled by this test's profile only. */
    @Alternative
    @Singleton
    public static class HoldingGate implements ConnectionGate {
        final LinkedBlockingQueue<HeldConnection> held = new LinkedBlockingQueue<>();
        volatile Handler<NetSocket> serve;

        @Override
        public Handler<NetSocket> around(Handler<NetSocket> serve) {
            this.serve = serve;
            return socket -> held.add(HeldConnection.hold(socket));
        }

        void releaseNext() throws InterruptedException {
            HeldConnection connection = held.poll(5, TimeUnit.SECONDS);
            assertThat(connection).as("a held connection").isNotNull();
            connection.release(serve);
        }
    }

    @Inject
    EchoServer server;

    @Inject
    HoldingGate gate;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    /** A test that failed before releasing its connection must not leave it to the next test. */
    @AfterEach
    void closeWhatIsStillHeld() {
        for (HeldConnection connection; (connection = gate.held.poll()) != null;) {
            connection.close();
        }
    }

    @Test
    void dataAndFinSentWhileHeldAreEchoedOnceReleased() throws Exception {
        Prometheus before = scrape();
        byte[] payload = "hello\n".getBytes();
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(payload);
            client.socket().shutdownOutput();
            await("the FIN reaches the server while the connection is held").atMost(Duration.ofSeconds(5))
                    .until(() -> gate.held.peek() != null && gate.held.peek().clientEnded());
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
        assertThat(List.copyOf(gate.held)).isEmpty();
    }

    private Prometheus scrape() {
        return Prometheus.scrape(metrics);
    }
}
