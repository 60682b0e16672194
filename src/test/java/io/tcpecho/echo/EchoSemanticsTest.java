package io.tcpecho.echo;

import static io.tcpecho.testing.Prometheus.closed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.SocketException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.NonReadingClient;
import io.tcpecho.testing.Prometheus;

/** The echo contract, end to end over loopback sockets against the running service. */
@QuarkusTest
class EchoSemanticsTest {

    private static final int MIB = 1024 * 1024;

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = { 1, 2, 7, 100, 1460, 4096, 65_535, 65_536, 65_537, 1_000_003, 7 * MIB + 3, 32 * MIB })
    void payloadComesBackByteExactThenEof(int size) throws Exception {
        byte[] payload = EchoClient.randomBytes(size, size);
        try (EchoClient client = EchoClient.connect(server.port())) {
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            byte[] echoed = client.readToEnd();
            sent.get(60, TimeUnit.SECONDS);
            assertThat(echoed).hasSize(size).isEqualTo(payload);
        }
    }

    @Test
    void fiveHundredConnectionsOpenAtOnceEachGetTheirOwnBytes() throws Exception {
        List<EchoClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                clients.add(EchoClient.connect(server.port()));
            }
            // 16 KiB per connection fits the socket buffers, so one thread can write all before reading any.
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).write(EchoClient.randomBytes(16 * 1024, i));
                clients.get(i).socket().shutdownOutput();
            }
            for (int i = 0; i < clients.size(); i++) {
                assertThat(clients.get(i).readToEnd()).as("connection %d", i).isEqualTo(EchoClient.randomBytes(16 * 1024, i));
            }
        } finally {
            for (EchoClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void halfCloseAfter32MiBWithSlowReaderGetsEveryByteThenCleanEof() throws Exception {
        byte[] payload = EchoClient.randomBytes(32 * MIB, 32);
        double completedBefore = scrape().value(closed("completed"));
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.socket().setReceiveBufferSize(16 * 1024);
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            // Let the sender fill every buffer while nothing is read: the server stops reading.
            NonReadingClient.awaitSteady(() -> (long) scrape().value("echo_bytes_received_total"));
            byte[] echoed = client.readToEnd(16 * 1024, Duration.ofMillis(1));
            sent.get(60, TimeUnit.SECONDS);
            assertThat(echoed).hasSize(payload.length).isEqualTo(payload);
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(scrape().value(closed("completed"))).isEqualTo(completedBefore + 1));
    }

    @Test
    void clientThatDoesNotReadStallsTheServerInsteadOfGrowingIt() throws Exception {
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.socket().setReceiveBufferSize(64 * 1024);
            double receivedBefore = scrape().value("echo_bytes_received_total");
            long stalledAt = NonReadingClient.writeUntilStalled(client);
            double serverRead = scrape().value("echo_bytes_received_total") - receivedBefore;
            // The server stopped reading, so what it holds cannot grow.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> scrape().value("echo_bytes_received_total") - receivedBefore == serverRead);

            // The writer blocked after filling kernel buffers and the server's bounded queue: megabytes, not the GiB it tried.
            assertThat(stalledAt).isLessThan(64L * MIB);
            assertThat(serverRead).isLessThan(32.0 * MIB);
        }
    }

    @Test
    void stalledClientThatStartsReadingGetsEveryByte() throws Exception {
        byte[] payload = EchoClient.randomBytes(24 * MIB, 24);
        try (EchoClient client = EchoClient.connect(server.port())) {
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            // The server stops reading while its queue is full, so the sender blocks.
            NonReadingClient.awaitSteady(() -> (long) scrape().value("echo_bytes_received_total"));
            assertThat(sent).isNotDone();
            byte[] echoed = client.readToEnd();
            sent.get(60, TimeUnit.SECONDS);
            assertThat(echoed).isEqualTo(payload);
        }
    }

    @Test
    void resetMidStreamIsCountedAndHarmsNoOtherConnection() throws Exception {
        double resetsBefore = scrape().value(closed("reset"));
        try (EchoClient bystander = EchoClient.connect(server.port())) {
            bystander.write(new byte[] { 1, 2, 3 });
            assertThat(bystander.read(3)).containsExactly(1, 2, 3);
            int activeWithBystander = (int) scrape().value("echo_connections_active");

            EchoClient victim = EchoClient.connect(server.port());
            victim.write(EchoClient.randomBytes(4 * MIB, 4)); // echo in flight, nothing read
            victim.reset();

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Prometheus now = scrape();
                assertThat(now.value(closed("reset"))).isEqualTo(resetsBefore + 1);
                assertThat(now.value("echo_connections_active")).isEqualTo(activeWithBystander);
            });
            bystander.write(new byte[] { 4, 5 });
            assertThat(bystander.read(2)).containsExactly(4, 5);
        }
    }

    @Test
    void metricsMoveAsTrafficFlows() throws Exception {
        Prometheus before = scrape();
        byte[] payload = EchoClient.randomBytes(100_000, 7);
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(payload);
            assertThat(client.read(payload.length)).isEqualTo(payload);
            assertThat(scrape().value("echo_connections_active")).isEqualTo(before.value("echo_connections_active") + 1);
            client.socket().shutdownOutput();
            assertThat(client.readToEnd()).isEmpty();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Prometheus after = scrape();
            assertThat(after.value("echo_connections_opened_total")).isEqualTo(before.value("echo_connections_opened_total") + 1);
            assertThat(after.value(closed("completed"))).isEqualTo(before.value(closed("completed")) + 1);
            assertThat(after.value("echo_bytes_received_total")).isEqualTo(before.value("echo_bytes_received_total") + 100_000);
            assertThat(after.value("echo_bytes_sent_total")).isEqualTo(before.value("echo_bytes_sent_total") + 100_000);
            assertThat(after.value("echo_connection_duration_seconds_count"))
                    .isEqualTo(before.value("echo_connection_duration_seconds_count") + 1);
            assertThat(after.value("echo_connections_active")).isEqualTo(before.value("echo_connections_active"));
        });
        assertThat(scrape().has("echo_connection_duration_seconds_bucket{le=\"1.0\"}")).isTrue();
    }

    @Test
    void emptyHalfClosedConnectionGetsCleanEof() throws Exception {
        // A connection that ends without sending anything still gets a clean FIN, not a reset.
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.socket().shutdownOutput();
            assertThat(client.readToEnd()).isEmpty();
        } catch (SocketException e) {
            throw new AssertionError("expected a clean EOF", e);
        }
    }

    private Prometheus scrape() {
        return Prometheus.scrape(metrics);
    }

    /** Waits until {@code count} has not moved for a second, and returns where it stopped. */
}
