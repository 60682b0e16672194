package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code udp} in three shards against one UDP echo: together they send every datagram of the whole run once, in the
 * same seconds, and {@code load merge} sums their counts and their timelines.
 */
class ShardedUdpTest {

    private static final int SHARDS = 3;
    private static final List<String> OPTIONS = List.of("-r", "300", "-d", "1500ms", "-m", "100");

    @TempDir
    Path dir;

    @Test
    void threeShardsSendTheWholeRunsDatagramsAndMergeToTheirSums() throws Exception {
        JsonObject whole;
        List<Long> wholeSeen;
        List<JsonObject> shards;
        List<Long> shardsSeen;
        try (UdpEcho echo = new UdpEcho()) {
            whole = report(LoadClient.run(command(echo, "--format", "json").toArray(String[]::new)));
            wholeSeen = echo.takeSeen();
            ShardRuns runs = new ShardRuns(dir, SHARDS);
            for (Outcome outcome : runs.run(command(echo))) {
                assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
            }
            shards = runs.reports();
            shardsSeen = echo.takeSeen();
        }
        assertThat(whole.getLong("sent")).isEqualTo(450);
        assertThat(wholeSeen).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 450).boxed().toList());
        assertThat(shardsSeen).as("every datagram of the whole run, once").containsExactlyInAnyOrderElementsOf(wholeSeen);
        for (int index = 0; index < SHARDS; index++) {
            assertThat(shards.get(index).getLong("sent")).as("a third").isEqualTo(150);
            assertThat(shards.get(index).getJsonObject("parameters")).isEqualTo(whole.getJsonObject("parameters"));
        }

        JsonObject merged = report(ShardedRunTest.merge(new ShardRuns(dir, SHARDS).files(), "--expect-shards", "3",
                "--max-errors", "0"));
        assertThat(merged.getString("workload")).isEqualTo("udp");
        for (String count : List.of("sent", "echoed", "corrupted", "messages", "bytesSent", "bytesEchoed")) {
            assertThat(merged.getLong(count)).as(count).isEqualTo(shards.stream().mapToLong(s -> s.getLong(count)).sum());
        }
        assertThat(merged.getLong("sent")).isEqualTo(whole.getLong("sent"));
        JsonArray timeline = merged.getJsonArray("timeline");
        JsonArray wholeTimeline = whole.getJsonArray("timeline");
        assertThat(timeline).hasSameSizeAs(wholeTimeline);
        for (int second = 0; second < timeline.size(); second++) {
            assertThat(timeline.getJsonObject(second).getLong("sent")).as("second %d: the whole run's datagrams", second)
                    .isEqualTo(wholeTimeline.getJsonObject(second).getLong("sent"));
            int at = second;
            assertThat(timeline.getJsonObject(second).getLong("echoed")).isEqualTo(shards.stream()
                    .mapToLong(shard -> shard.getJsonArray("timeline").getJsonObject(at).getLong("echoed")).sum());
        }
    }

    @Test
    void aRunTooSmallToSplitIsAUsageError() {
        Outcome outcome = LoadClient.run("udp", "-r", "2", "-d", "1s", "--shard", "0/3");
        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("load udp: --rate times --duration is 2 datagrams, which cannot be split "
                + "into 3 shards: each needs at least one");
    }

    private static List<String> command(UdpEcho echo, String... more) {
        List<String> command = new ArrayList<>(List.of("udp", "-t", "127.0.0.1:" + echo.port()));
        command.addAll(OPTIONS);
        command.addAll(List.of(more));
        return command;
    }

    private static JsonObject report(Outcome outcome) {
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        return new JsonObject(outcome.out().strip());
    }

    /** A UDP echo that notes the sequence number of every datagram it echoes. */
    private static final class UdpEcho implements AutoCloseable {
        private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        private final ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();

        UdpEcho() throws SocketException {
            socket.setReceiveBufferSize(4 << 20);
            Thread echo = new Thread(this::serve, "udp-echo");
            echo.setDaemon(true);
            echo.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        /** The sequence numbers seen since the last call. */
        List<Long> takeSeen() {
            List<Long> taken = new ArrayList<>();
            for (Long seq; (seq = seen.poll()) != null;) {
                taken.add(seq);
            }
            return taken;
        }

        private void serve() {
            byte[] buffer = new byte[65_536];
            try {
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    seen.add(ByteBuffer.wrap(buffer).getLong(0));
                    socket.send(new DatagramPacket(buffer, packet.getLength(), packet.getSocketAddress()));
                }
            } catch (SocketException closed) {
                // the test is over
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
