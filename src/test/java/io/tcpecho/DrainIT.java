package io.tcpecho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Http;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.ServerProcess;

/**
 * The drain of the packaged jar after SIGTERM, as a client sees it: the quiet close (echo.drain-quiet-close) and how
 * connections still open at the drain timeout end (echo.drain-on-timeout), with the drain's own account at exit.
 */
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ)
class DrainIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final int MIB = 1024 * 1024;

    @Test
    void aQuietConnectionGetsTheServersFinBetweenMessagesWhileABusyOneFinishesItsEcho() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("QUARKUS_SHUTDOWN_DELAY", "0s", "ECHO_DRAIN_TIMEOUT", "60s",
                "ECHO_DRAIN_QUIET_CLOSE", "1s")).awaitReady(START);
                EchoClient quiet = EchoClient.connect(server.echoPort());
                EchoClient busy = EchoClient.connect(server.echoPort())) {
            quiet.write("first message\n".getBytes());
            assertThat(quiet.read(14)).isEqualTo("first message\n".getBytes());

            byte[] payload = EchoClient.randomBytes(16 * MIB, 16);
            busy.socket().setReceiveBufferSize(16 * 1024);
            CompletableFuture<Void> sent = busy.sendThenHalfClose(payload);
            // A slow reader: 16 KiB every 5 ms keeps the transfer going for seconds, never quiet.
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return busy.readToEnd(16 * 1024, Duration.ofMillis(5));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.parse(Http.body(server.managementUrl("/q/metrics")))
                    .value("echo_bytes_sent_total") > 14); // the transfer is under way

            server.terminate();
            assertThat(quiet.readToEnd()).as("the server's FIN, after the echo and before any other byte").isEmpty();
            quiet.close();
            assertThat(echoed.get(60, TimeUnit.SECONDS)).as("the busy connection's whole echo").isEqualTo(payload);
            sent.get(10, TimeUnit.SECONDS);

            assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(server.output()).contains("Every echo connection finished").containsPattern(
                    "Drained in \\d+m?s: 1 echo connections ended by the quiet close, 1 finished, 0 at the timeout");
        }
    }

    @Test
    void atTheDrainTimeoutAConnectionGetsTheEchoReadSoFarThenTheServersFin() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("QUARKUS_SHUTDOWN_DELAY", "0s", "ECHO_DRAIN_TIMEOUT", "1s"))
                .awaitReady(START);
                EchoClient client = EchoClient.connect(server.echoPort())) {
            byte[] payload = EchoClient.randomBytes(64 * MIB, 4);
            // Sent, and not read until the timeout: more than every buffer on the way holds, so that the server holds echo
            // for it, and has more to read, when the drain runs out.
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            await().atMost(Duration.ofSeconds(10)).until(() -> Prometheus.parse(Http.body(server.managementUrl("/q/metrics")))
                    .value("echo_memory_held_bytes") > 0);

            server.terminate();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.output().contains("Drain timeout: closing 1 echo "
                    + "connections still open, each by the server's FIN after the echo read so far"));
            byte[] echoed = client.readToEnd();
            assertThat(echoed).as("some echo, then a clean FIN").isNotEmpty().hasSizeLessThan(payload.length);
            assertThat(echoed).isEqualTo(Arrays.copyOf(payload, echoed.length));
            // The rest of what it sends is read and dropped, until the server closes 2 s after its FIN: the sender may fail.
            await().atMost(Duration.ofSeconds(10)).until(sent::isDone);

            assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(server.output()).containsPattern(
                    "Drained in \\d+m?s: 0 echo connections ended by the quiet close, 0 finished, 1 at the timeout");
        }
    }

    @Test
    void atTheDrainTimeoutAConnectionIsResetWhenTheSettingSaysSo() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("QUARKUS_SHUTDOWN_DELAY", "0s", "ECHO_DRAIN_TIMEOUT", "1s",
                "ECHO_DRAIN_ON_TIMEOUT", "reset")).awaitReady(START);
                EchoClient client = EchoClient.connect(server.echoPort())) {
            client.write("in progress".getBytes());
            assertThat(client.read(11)).isEqualTo("in progress".getBytes());

            server.terminate();
            assertThatThrownBy(client::readToEnd).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(server.output()).contains("Drain timeout: closing 1 echo connections still open, each by a reset")
                    .containsPattern("Drained in \\d+m?s: 0 echo connections ended by the quiet close, 0 finished, 1 at the timeout");
        }
    }
}
