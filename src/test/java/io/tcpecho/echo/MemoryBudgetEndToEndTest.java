package io.tcpecho.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.memory.MemoryState;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.MutualTlsProfile;
import io.tcpecho.testing.Prometheus;

/**
 * The memory budget with real clients: a 1 MiB budget, and a server send buffer too small to hide echo in the
 * kernel, so that what clients do not read is held by the server, where the budget sees it.
 */
@QuarkusTest
@TestProfile(MutualTlsProfile.class)
class MemoryBudgetEndToEndTest {

    private static final int MIB = 1024 * 1024;
    private static final int NON_READERS = 24;

    @Inject
    EchoServer server;

    @Inject
    MemoryBudget budget;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @Test
    void nonReadersAreStoppedAtTheBudgetWhileOthersFlowAndEverythingComesBackAfterwards() throws Exception {
        Prometheus before = scrape();
        List<EchoClient> nonReaders = new ArrayList<>();
        List<CompletableFuture<Void>> sending = new ArrayList<>();
        try (EchoClient reader = EchoClient.connect(server.port())) {
            roundTrips(reader, 10);
            for (int i = 0; i < NON_READERS; i++) {
                EchoClient client = EchoClient.connect(server.port(), MemoryBudgetEndToEndTest::smallBuffers);
                nonReaders.add(client);
                sending.add(client.sendThenHalfClose(EchoClient.randomBytes(2 * MIB, i)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> budget.state() == MemoryState.OVERLOADED);

            // Overloaded: readiness says why, liveness is untouched, and the held memory is bounded.
            RestAssured.given().get(ready).then().statusCode(503);
            assertThat(RestAssured.given().get(ready).asString()).contains("\"reason\": \"overloaded\"");
            RestAssured.given().get(live).then().statusCode(200);
            // Each connection may hold its allowance and one read besides the budget; one whose client half-closed
            // may also hold what its kernel receive buffer had, which the epoll transport reads out after the FIN
            // paused or not (docs/memory.md). A few hundred KiB each, not the 2 MiB each one sent.
            long bound = budget.budget() + (NON_READERS + 2L) * (budget.allowance() + 64 * 1024 + 256 * 1024);
            assertThat(budget.held()).isBetween(budget.pressureLine(), bound);
            assertThat(scrape().value("echo_memory_state")).isEqualTo(2.0);

            // A connection that holds nothing keeps flowing while the non-readers are stopped.
            roundTrips(reader, 50);

            // A new connection is accepted but waits, unread, until the overload ends.
            double delayedBefore = scrape().value("echo_accepts_delayed_total");
            EchoClient late = EchoClient.connect(server.port());
            late.write(new byte[] { 42 });
            late.socket().setSoTimeout(500);
            assertThatThrownBy(() -> late.socket().getInputStream().read()).as("no echo while overloaded")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(scrape().value("echo_accepts_delayed_total")).isEqualTo(delayedBefore + 1);

            // The non-readers read at last: every byte comes back, then the server's EOF.
            List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
            for (EchoClient client : nonReaders) {
                echoes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.readToEnd();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (int i = 0; i < NON_READERS; i++) {
                assertThat(echoes.get(i).get(60, TimeUnit.SECONDS)).as("non-reader %d", i)
                        .isEqualTo(EchoClient.randomBytes(2 * MIB, i));
                sending.get(i).get(10, TimeUnit.SECONDS);
            }

            // Memory freed: the state is normal again, readiness recovers and the late connection is served.
            await().atMost(Duration.ofSeconds(10)).until(() -> budget.state() == MemoryState.NORMAL);
            RestAssured.given().get(ready).then().statusCode(200);
            late.socket().setSoTimeout(10_000);
            assertThat(late.read(1)).containsExactly(42);
            late.close();
        } finally {
            for (EchoClient client : nonReaders) {
                client.close();
            }
        }
        Prometheus after = scrape();
        assertThat(after.value("echo_memory_pauses_total")).isGreaterThan(before.value("echo_memory_pauses_total"));
        assertThat(after.value("echo_overloaded_seconds_total")).isGreaterThan(before.value("echo_overloaded_seconds_total"));
    }

    @Test
    void bytesReceivedAreBytesSentPlusDroppedPlusHeld() throws Exception {
        // A stalled non-reader holds echo; its reset drops what it held.
        EchoClient stalled = EchoClient.connect(server.port(), MemoryBudgetEndToEndTest::smallBuffers);
        CompletableFuture<Void> sending = stalled.sendThenHalfClose(EchoClient.randomBytes(4 * MIB, 4));
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.held() > 64 * 1024);

        Prometheus stalledNow = scrape();
        double received = stalledNow.value("echo_bytes_received_total");
        double sent = stalledNow.value("echo_bytes_sent_total");
        double dropped = stalledNow.value("echo_bytes_dropped_total");
        assertThat(sent).as("sent counts what the socket took, not what was read").isLessThan(received);
        assertThat(received - sent - dropped).as("what is still queued").isPositive();

        stalled.reset();
        assertThat(sending).failsWithin(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Prometheus after = scrape();
            assertThat(budget.held()).isZero();
            assertThat(after.value("echo_memory_held_bytes")).isZero();
            assertThat(after.value("echo_bytes_dropped_total")).isGreaterThan(dropped);
            assertThat(after.value("echo_bytes_received_total"))
                    .isEqualTo(after.value("echo_bytes_sent_total") + after.value("echo_bytes_dropped_total"));
        });
    }

    private static void roundTrips(EchoClient client, int count) throws IOException {
        OutputStream out = client.socket().getOutputStream();
        for (int i = 0; i < count; i++) {
            byte[] message = EchoClient.randomBytes(64, i);
            out.write(message);
            assertThat(client.read(64)).isEqualTo(message);
        }
    }

    /**
     * Small client buffers: what the client does not read stays with the server, not in this kernel, and a
     * client cannot park its whole payload and its FIN in its own send buffer while the server waits.
     */
    private static void smallBuffers(Socket socket) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.setSendBufferSize(16 * 1024);
    }

    private Prometheus scrape() {
        return Prometheus.scrape(metrics);
    }
}
