package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.tcpecho.fault.Expectation;

/**
 * One connection of the load client on an {@link EmbeddedChannel}, with the test as the server: what it verifies of
 * the echo, what it tells its script, and how each way of going wrong ends it (the run's failure, or the expected
 * fault).
 */
class ConnectionTest {

    /** The stall timeout: far beyond any test, so that the watchdog never touches the embedded channel. */
    private static final long NO_STALL = 3_600_000_000_000L;

    private LoadRun run;
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        if (run != null) {
            run.close();
        }
    }

    /** A connection that {@code script} drives, established, in a run that expects {@code expectation} (or nothing). */
    private Connection connect(Script script, FaultExpectation expectation) {
        run = new LoadRun(new InetSocketAddress(InetAddress.getLoopbackAddress(), 7), 1, 42, NO_STALL, new ClientTls(),
                expectation);
        Connection connection = new Connection(run, 0, script);
        channel = new EmbeddedChannel(connection);
        return connection;
    }

    /** The bytes the connection wrote, as the server read them. */
    private byte[] sentBytes() {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
            all.writeBytes(written);
            written.release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        return bytes;
    }

    private void echo(byte[] bytes, int from, int to) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, to - from));
    }

    private void serverEnds() {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    @Test
    void theWholeEchoAndTheServersEofCompleteTheConnection() {
        Script script = new Script(1000);
        Connection connection = connect(script, null);
        byte[] sent = sentBytes();
        assertThat(sent).hasSize(1000);
        echo(sent, 0, 300);
        echo(sent, 300, 1000);
        serverEnds();

        assertThat(script.calls).containsExactly("active", "echoed 300", "echoed 1000", "serverEnded");
        assertThat(connection.received()).isEqualTo(1000);
        assertThat(connection.isOver()).isTrue();
        assertThat(channel.isOpen()).as("finished connections are closed").isFalse();
        assertThat(run.failure()).isNull();
        assertThat(run.connectionsDone.sum()).isOne();
        assertThat(run.bytesSent.sum()).isEqualTo(1000);
        assertThat(run.bytesReceived.sum()).isEqualTo(1000);
    }

    @Test
    void aByteThatDiffersFailsTheRunWithItsPositionAndEndsTheConnection() {
        Script script = new Script(1000);
        Connection connection = connect(script, null);
        byte[] sent = sentBytes();
        echo(sent, 0, 100);
        sent[142] ^= 0x10;
        echo(sent, 100, 1000);

        assertThat(run.failure()).startsWith("connection 0: corrupted at byte 142 after ")
                .containsPattern("expected 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}$");
        assertThat(script.calls).as("the script hears only of the verified bytes").containsExactly("active", "echoed 100");
        assertThat(connection.received()).isEqualTo(100);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void moreBytesBackThanWereSentFailTheRun() {
        Script script = new Script(10);
        connect(script, null);
        byte[] sent = sentBytes();
        byte[] withOneMore = Arrays.copyOf(sent, 11);
        echo(withOneMore, 0, 11);

        assertThat(run.failure()).isEqualTo("connection 0: the server sent 1 bytes more than the client had sent (10)");
        assertThat(script.calls).containsExactly("active");
    }

    @Test
    void theServersRefusalLineIsItsReasonNotACorruptedEcho() {
        connect(new Script(10), null);
        byte[] line = "FAULT ERROR unknown_fault: 'nosuch' is not a fault\r\n".getBytes(StandardCharsets.US_ASCII);
        echo(line, 0, line.length);

        assertThat(run.failure()).isEqualTo(
                "connection 0: the server refused the fault selection: FAULT ERROR unknown_fault: 'nosuch' is not a fault");
    }

    @Test
    void theServersEofBeforeTheWholeEchoFailsTheRun() {
        Script script = new Script(1000);
        connect(script, null);
        echo(sentBytes(), 0, 400);
        serverEnds();

        assertThat(script.calls).containsExactly("active", "echoed 400", "serverEnded");
        assertThat(run.failure()).matches("connection 0: EOF at byte 400 of 1000 sent after \\d+ ms");
        assertThat(run.connectionsDone.sum()).isZero();
    }

    @Test
    void aCloseWithoutTheServersFinIsAReset() {
        connect(new Script(1000), null);
        echo(sentBytes(), 0, 400);
        channel.close();

        assertThat(run.failure())
                .matches("connection 0: reset at byte 400 of 1000 sent after \\d+ ms \\(closed without the server's FIN\\)");
    }

    @Test
    void theExpectedFaultEndsTheConnectionAsASuccess() {
        Script script = new Script(1000);
        Connection connection = connect(script, new FaultExpectation(Expectation.of("limit-data", "400")));
        echo(sentBytes(), 0, 400);
        serverEnds();

        assertThat(script.calls).containsExactly("active", "echoed 400", "serverEnded", "endedAsExpected");
        assertThat(run.failure()).isNull();
        assertThat(run.asExpected.sum()).isOne();
        assertThat(run.connectionsDone.sum()).isOne();
        assertThat(connection.isOver()).isTrue();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anEndThatIsNotTheExpectedFaultFailsTheRunAndSaysWhatWasExpected() {
        connect(new Script(1000), new FaultExpectation(Expectation.of("limit-data", "400")));
        echo(sentBytes(), 0, 300);
        serverEnds();

        assertThat(run.failure()).matches("connection 0: EOF at byte 300 of 1000 sent after \\d+ ms; expected EOF at byte 400");
        assertThat(run.asExpected.sum()).isZero();
    }

    @Test
    void aCompleteEchoFailsTheRunWhenAFaultWasExpected() {
        connect(new Script(100), new FaultExpectation(Expectation.of("limit-data", "400")));
        echo(sentBytes(), 0, 100);
        serverEnds();

        assertThat(run.failure()).isEqualTo("connection 0: the echo completed after 100 of 100 sent bytes were echoed; "
                + "expected EOF at byte 400");
        assertThat(run.connectionsDone.sum()).isZero();
    }

    @Test
    void holdingTheEchoStopsReadingAndExpectingItReadsAgain() {
        Script script = new Script(100);
        Connection connection = connect(script, null);
        connection.holdEcho();
        assertThat(channel.config().isAutoRead()).isFalse();
        connection.expectEcho();
        assertThat(channel.config().isAutoRead()).isTrue();
        echo(sentBytes(), 0, 100);
        assertThat(connection.received()).isEqualTo(100);
    }

    /**
     * The simplest workload: sends its bytes at once, and finishes on the whole echo and the server's EOF; it records
     * what the connection told it.
     */
    private static final class Script implements ConnectionScript {
        final List<String> calls = new ArrayList<>();
        private final long size;

        Script(long size) {
            this.size = size;
        }

        @Override
        public void active(Connection connection) {
            calls.add("active");
            connection.send(size);
            connection.flush();
        }

        @Override
        public void echoed(Connection connection) {
            calls.add("echoed " + connection.received());
        }

        @Override
        public void serverEnded(Connection connection) {
            calls.add("serverEnded");
            if (connection.received() == size) {
                connection.finish();
            } else {
                connection.serverEndedEarly();
            }
        }

        @Override
        public void endedAsExpected(Connection connection) {
            calls.add("endedAsExpected");
        }
    }
}
