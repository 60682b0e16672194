package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.tcpecho.testing.Commands;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.vertx.core.json.JsonObject;

/**
 * {@code load steady}'s retransmits are the kernel's: each connection's TCP_INFO total, read as it ends, summed in the
 * report and in its pod's row.
 */
class SteadyRetransmitsTest {

    private static final String IDENTITY = new JsonObject().put("pod", "echo-7d9f-a").put("node", "node-1")
            .put("podIp", "10.0.0.7").put("client", "127.0.0.1:40000").put("connection", 1).encode();

    /**
     * Loopback loses nothing, so the count is 0 unless something is dropped on purpose, and dropping packets takes
     * root (netem, nftables). A listener's full accept queue needs none: Linux drops a SYN it cannot queue, and the
     * client sends it again after its first retransmission timeout, a retransmission TCP_INFO counts. A SYN seen in
     * SYN-SENT on loopback, where the answer comes before the client's connect returns, is one that was dropped.
     */
    @Test
    void aSynDroppedByAFullAcceptQueueIsCountedOnTheConnectionAndItsPod() throws Exception {
        try (BrokenEchoServer server = BrokenEchoServer.holdingAccepts(IDENTITY)) {
            List<Socket> queued = fillAcceptQueue(server.port());
            CompletableFuture<Outcome> run = CompletableFuture.supplyAsync(() -> LoadClient.run("steady", "--target",
                    server.target(), "--identity", "-c", "1", "-m", "100", "-r", "10", "-d", "4s", "--timeout", "5s",
                    "--probe-interval", "1h", "--progress", "0", "--format", "json"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !synSent(server.port()).isBlank());
            for (Socket socket : queued) {
                socket.close();
            }
            server.startAccepting();

            Outcome outcome = run.get(30, TimeUnit.SECONDS);
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
            JsonObject report = new JsonObject(outcome.out().strip());
            JsonObject retransmits = report.getJsonObject("retransmits");
            assertThat(retransmits.getLong("segments")).as("the dropped SYN, sent again").isPositive();
            assertThat(retransmits.getLong("connectionsRead")).isEqualTo(retransmits.getLong("connectionsEnded"))
                    .isEqualTo(report.getLong("connectionsOpened")).isEqualTo(1);
            assertThat(report.getJsonObject("backends").getJsonObject("echo-7d9f-a").getLong("retransmits"))
                    .isEqualTo(retransmits.getLong("segments"));
        }
    }

    @Test
    void theTableSaysHowManyAndOnHowManyConnections() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(BrokenEchoServer.Fault.FIN_AFTER_10_000_BYTES)) {
            Outcome outcome = LoadClient.run("steady", "--target", server.target(), "-c", "2", "-m", "1000", "-r", "50",
                    "-d", "1s", "--timeout", "2s", "--progress", "0");
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
            // Each graceful end and each connection closed at the end of the run is read; on loopback, nothing is lost.
            assertThat(outcome.out()).containsPattern("retransmits \\d+ segments retransmitted \\(TCP_INFO of (\\d+) of "
                    + "\\1 connections, read as each ended\\)\n");
        }
    }

    /** Connects until the kernel queues no more: the connect that gets no answer is the first SYN it dropped. */
    private static List<Socket> fillAcceptQueue(int port) throws Exception {
        List<Socket> queued = new ArrayList<>();
        while (true) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
                queued.add(socket);
            } catch (SocketTimeoutException e) {
                socket.close();
                return queued;
            }
            assertThat(queued).as("a listener with a backlog of one stops queueing").hasSizeLessThan(10);
        }
    }

    /** The client's sockets to {@code port} whose SYN has no answer yet, as {@code ss} lists them. */
    private static String synSent(int port) {
        return Commands.run(List.of("ss", "-tnH", "state", "syn-sent", "( dport = :" + port + " )"), Map.of(),
                Path.of("."), Duration.ofSeconds(10)).orFail("ss").output().strip();
    }
}
