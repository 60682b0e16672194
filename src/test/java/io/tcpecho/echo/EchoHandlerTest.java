package io.tcpecho.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.tcpecho.testing.HalfClosableChannel;

/**
 * The echo of one connection ({@link EchoHandler}) on an embedded channel, with the server's real services: the echo
 * exact and uncopied, flushed at each read's end; the client's FIN answered by the rest of the echo, then the server's
 * FIN, then the close; backpressure; the limits, the idle timeout and failures, each close counted once with its reason.
 */
class EchoHandlerTest {

    private EmbeddedEchoServer server;

    @AfterEach
    void close() {
        server.close();
    }

    private EmbeddedEchoServer server(Map<String, String> properties) {
        server = new EmbeddedEchoServer(properties);
        return server;
    }

    @Test
    void echoesEveryByteInOrderTheVeryBuffersReadFlushedAtEachReadsEnd() {
        EchoConnection connection = server(Map.of()).connect();
        ByteBuf hello = connection.buffer("hello, ");
        ByteBuf world = connection.buffer("world");
        connection.read(hello);
        connection.read(world);
        assertThat(connection.channel().written()).as("nothing before the read's end").isZero();

        connection.readComplete();
        ByteBuf first = connection.channel().readOutbound();
        ByteBuf second = connection.channel().readOutbound();
        assertThat(first).as("the buffer read, not a copy").isSameAs(hello);
        assertThat(second).isSameAs(world);
        assertThat(first.toString(StandardCharsets.US_ASCII) + second.toString(StandardCharsets.US_ASCII))
                .isEqualTo("hello, world");
        first.release();
        second.release();
        assertThat(hello.refCnt()).isZero();
        assertThat(world.refCnt()).isZero();

        ByteBuf again = connection.send("again");
        assertThat(connection.echoed()).isEqualTo("again");
        assertThat(again.refCnt()).isZero();
        assertThat(server.bytes("received")).isEqualTo(17);
        assertThat(server.bytes("sent")).isEqualTo(17);
        assertThat(server.memoryHeld()).as("nothing queued").isZero();
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void theClientsFinIsAnsweredByTheWholeEchoThenTheServersFinThenTheClose() {
        EchoConnection connection = server(Map.of()).connect();
        connection.send("abc");
        connection.read(connection.buffer("def")); // queued, not flushed: no read's end before the FIN
        assertThat(connection.channel().written()).isEqualTo(3);

        connection.clientFin();
        HalfClosableChannel channel = connection.channel();
        assertThat(channel.writtenAtFin()).as("the server's FIN after the whole echo").isEqualTo(6);
        assertThat(channel.written()).as("nothing after the FIN").isEqualTo(6);
        assertThat(connection.isOpen()).as("closed after the FIN").isFalse();
        assertThat(connection.echoed()).isEqualTo("abcdef");
        assertThat(server.closes()).isEqualTo(Map.of("completed", 1.0));
        assertThat(server.opened()).isEqualTo(1);
        assertThat(server.bytes("sent")).isEqualTo(6);
        assertThat(server.bytes("dropped")).isZero();
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void aSecondFinIsNoSecondEnd() {
        EchoConnection connection = server(Map.of()).connect();
        connection.clientFin();
        connection.clientFin();
        assertThat(connection.channel().writtenAtFin()).isZero();
        assertThat(server.closes()).as("counted once").isEqualTo(Map.of("completed", 1.0));
    }

    @Test
    void stopsReadingWhileTheEchoIsOverTheHighWaterMarkAndReadsOnOnceItIsWritten() {
        EchoConnection connection = server(Map.of("echo.write-queue-high-water-mark", "4KiB")).connect();
        HalfClosableChannel channel = connection.channel();
        channel.peerStopsReading();
        assertThat(channel.config().isAutoRead()).isTrue();
        // The queue counts a buffer's capacity, the memory it pins, not the bytes it holds.
        ByteBuf large = channel.alloc().buffer(8192).writeBytes(new byte[] { 1, 2, 3 });
        connection.read(large);
        assertThat(channel.isWritable()).isFalse();
        assertThat(channel.config().isAutoRead()).as("the batch's own echo, not flushed yet, does not pause it").isTrue();
        assertThat(server.memoryHeld()).isEqualTo(large.capacity());

        connection.readComplete();
        assertThat(channel.isWritable()).as("flushed, not taken").isFalse();
        assertThat(channel.config().isAutoRead()).as("paused while its echo is queued").isFalse();

        channel.peerResumesReading();
        assertThat(channel.isWritable()).isTrue();
        assertThat(channel.config().isAutoRead()).as("reading again once written").isTrue();
        assertThat(server.memoryHeld()).isZero();
        assertThat(channel.written()).isEqualTo(3);
    }

    @Test
    void aConnectionOverMaxConnectionsIsClosedAtOnceAndItsSlotIsNotTaken() {
        server(Map.of("echo.max-connections", "1"));
        EchoConnection first = server.connect();
        EchoConnection second = server.connect();
        assertThat(second.isOpen()).isFalse();
        assertThat(second.channel().written()).as("no echo").isZero();
        assertThat(server.closes()).isEqualTo(Map.of("over_limit", 1.0));
        assertThat(server.opened()).as("counted as opened too").isEqualTo(2);
        assertThat(server.openConnections()).isOne();

        first.send("still echoed");
        assertThat(first.echoed()).isEqualTo("still echoed");
        first.clientFin();
        EchoConnection third = server.connect();
        assertThat(third.isOpen()).as("the first one's slot is free again").isTrue();
        assertThat(server.closes()).isEqualTo(Map.of("over_limit", 1.0, "completed", 1.0));
    }

    /**
     * Not on the frozen clock alone: Netty 4.1's IdleStateHandler measures idleness with System.nanoTime, not its event
     * loop's clock, so at its timer it finds almost no time passed and waits again. The frozen clock shows that nothing
     * closes before the timeout; then the clock runs, and the close comes with its reason.
     */
    @Test
    void aConnectionQuietForTheIdleTimeoutIsClosedAsIdle() {
        EchoConnection connection = server(Map.of("echo.idle-timeout", "300ms")).connect();
        connection.send("one");
        connection.advance(299);
        assertThat(connection.isOpen()).as("not before the timeout").isTrue();

        connection.channel().unfreezeTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            connection.advance(0);
            return !connection.isOpen();
        });
        assertThat(server.closes()).isEqualTo(Map.of("idle_timeout", 1.0));
        assertThat(connection.channel().writtenAtFin()).as("a close, not a FIN").isEqualTo(-1);
    }

    @Test
    void anIoFailureClosesAsAResetDroppingWhatIsQueued() {
        EchoConnection connection = server(Map.of()).connect();
        ByteBuf queued = connection.buffer("queued");
        connection.read(queued);
        connection.fail(new IOException("Connection reset by peer"));
        assertThat(connection.isOpen()).isFalse();
        assertThat(queued.refCnt()).as("released with the failed write").isZero();
        assertThat(server.bytes("dropped")).isEqualTo(6);
        assertThat(server.bytes("sent")).isZero();
        assertThat(server.memoryHeld()).isZero();
        assertThat(server.closes()).isEqualTo(Map.of("reset", 1.0));
        connection.channel().checkException(); // handled, not passed on down the pipeline
    }

    @Test
    void anyOtherFailureClosesAsAnErrorNeverPassedOn() {
        EchoConnection connection = server(Map.of()).connect();
        connection.fail(new IllegalStateException("a bug"));
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closes()).isEqualTo(Map.of("error", 1.0));
        connection.channel().checkException();
    }

    @Test
    void aCloseWithoutAFinIsAReset() {
        EchoConnection connection = server(Map.of()).connect();
        connection.send("abc");
        connection.channel().close();
        connection.advance(0);
        assertThat(server.closes()).isEqualTo(Map.of("reset", 1.0));
        assertThat(server.openConnections()).isZero();
    }
}
