package io.tcpecho.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.tcpecho.testing.HalfClosableChannel;

/**
 * Every fault that acts on the connection itself ({@link io.tcpecho.fault.FaultTarget}), on the real echo handler of an
 * embedded channel whose clock the test moves: each at its exact byte and its exact millisecond, what it drops counted
 * as dropped, and what it did counted under its action's name.
 */
class EchoHandlerFaultsTest {

    private final EmbeddedEchoServer server = new EmbeddedEchoServer(Map.of());

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void resetPeerResetsItsDelayAfterTheFirstByteDroppingWhatIsQueued() {
        EchoConnection connection = server.connect("reset-peer=300ms");
        connection.advance(1_000);
        assertThat(connection.isOpen()).as("the delay runs from the first byte, not the connect").isTrue();
        connection.send("first");
        connection.advance(299);
        assertThat(connection.isOpen()).isTrue();
        ByteBuf queued = connection.buffer("queued");
        connection.read(queued);

        connection.advance(1);
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.channel().writtenAtFin()).as("a reset, no FIN").isEqualTo(-1);
        assertThat(connection.echoed()).isEqualTo("first");
        assertThat(queued.refCnt()).isZero();
        assertThat(server.bytes("dropped")).isEqualTo(6);
        assertThat(server.faultActions()).isEqualTo(Map.of("reset", 1.0));
        assertThat(server.faultConnections()).isEqualTo(Map.of("reset", 1.0));
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
        // SO_LINGER, which makes a socket's close a reset, is no option of an embedded channel: setting it did no harm.
        connection.channel().checkException();
    }

    @Test
    void resetPeerLetsAConnectionThatEndedFirstGo() {
        EchoConnection connection = server.connect("reset-peer=300ms");
        connection.send("abc");
        connection.clientFin();
        connection.advance(300);
        assertThat(connection.echoed()).isEqualTo("abc");
        assertThat(server.faultActions()).as("no reset of a closed connection").isEmpty();
        assertThat(server.closes()).isEqualTo(Map.of("completed", 1.0));
    }

    @Test
    void limitDataSendsItsFinAfterExactlyItsBytesDropsTheRestAndClosesTheLingerLater() {
        EchoConnection connection = server.connect("limit-data=10");
        HalfClosableChannel channel = connection.channel();
        connection.send("012345");
        assertThat(channel.isOutputShutdown()).isFalse();
        ByteBuf across = connection.send("6789abcd");
        assertThat(channel.writtenAtFin()).as("the FIN right after byte 10").isEqualTo(10);
        assertThat(connection.echoed()).isEqualTo("0123456789");
        assertThat(across.refCnt()).isZero();
        assertThat(server.bytes("dropped")).isEqualTo(4);

        ByteBuf after = connection.send("xyz");
        assertThat(channel.written()).as("nothing after the FIN").isEqualTo(10);
        assertThat(after.refCnt()).as("read and dropped").isZero();
        assertThat(server.bytes("dropped")).isEqualTo(7);
        assertThat(server.bytes("received")).isEqualTo(17);
        assertThat(server.bytes("sent")).isEqualTo(10);

        connection.advance(1_999);
        assertThat(connection.isOpen()).as("the client may read on").isTrue();
        connection.advance(1);
        assertThat(connection.isOpen()).as("closed 2 s after the FIN").isFalse();
        assertThat(server.faultActions()).isEqualTo(Map.of("truncate", 1.0));
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
    }

    @Test
    void afterLimitDataTheClientsFinClosesAtOnce() {
        EchoConnection connection = server.connect("limit-data=4");
        connection.send("abcdef");
        connection.clientFin();
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.channel().writtenAtFin()).isEqualTo(4);
        assertThat(connection.echoed()).isEqualTo("abcd");
        assertThat(server.closes()).as("the fault's end, not a completed echo").isEqualTo(Map.of("fault", 1.0));
    }

    /**
     * The server decided to end the output, but its echo before the FIN cannot leave: the client stopped reading. It
     * must not hold the connection for ever: closed once nothing left for 2 s, though it had left in the 2 s before.
     */
    @Test
    void aFaultsEndIsNotHeldByAClientThatStoppedReading() {
        EchoConnection connection = server.connect("limit-data=10");
        HalfClosableChannel channel = connection.channel();
        connection.send("0123");
        connection.advance(1_500);
        channel.peerStopsReading();
        connection.send("456789abc");
        assertThat(channel.isOutputShutdown()).as("the FIN waits for the echo before it").isFalse();
        connection.advance(1_999);
        assertThat(connection.isOpen()).isTrue();
        connection.advance(1);
        assertThat(connection.isOpen()).as("nothing left for 2 s: closed").isFalse();
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
        assertThat(server.bytes("dropped")).as("the echo that never left, and what was past the limit").isEqualTo(9);
    }

    /** A client that reads again within the bound gets the rest, the FIN, and the usual linger: the bound is on no progress. */
    @Test
    void aFaultsEndWaitsForAClientThatReadsAgain() {
        EchoConnection connection = server.connect("limit-data=10");
        HalfClosableChannel channel = connection.channel();
        channel.peerStopsReading();
        connection.send("0123456789abc");
        connection.advance(1_999);
        channel.peerResumesReading();
        connection.advance(0);
        assertThat(connection.echoed()).isEqualTo("0123456789");
        assertThat(channel.writtenAtFin()).isEqualTo(10);
        connection.advance(1_999);
        assertThat(connection.isOpen()).as("the linger runs from the FIN").isTrue();
        connection.advance(1);
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
    }

    @Test
    void limitDataZeroSendsItsFinBeforeAnyEcho() {
        EchoConnection connection = server.connect("limit-data=0");
        assertThat(connection.channel().writtenAtFin()).isZero();
        connection.send("abc");
        assertThat(connection.channel().written()).isZero();
        assertThat(server.bytes("dropped")).isEqualTo(3);
        assertThat(server.faultActions()).isEqualTo(Map.of("truncate", 1.0));
    }

    /** Without epoll the client's acknowledgement cannot be asked for: the reset waits the read grace alone, 50 ms. */
    @Test
    void resetAfterBytesResetsAfterExactlyItsBytesOnceTheClientHadTimeToReadThem() {
        EchoConnection connection = server.connect("reset-after-bytes=10");
        connection.send("012345");
        connection.send("6789abcd");
        assertThat(connection.echoed()).isEqualTo("0123456789");
        assertThat(server.bytes("dropped")).isEqualTo(4);
        assertThat(server.faultActions()).isEqualTo(Map.of("reset", 1.0));

        connection.advance(49);
        assertThat(connection.isOpen()).isTrue();
        connection.advance(1);
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.channel().writtenAtFin()).as("a reset, no FIN").isEqualTo(-1);
        assertThat(connection.channel().written()).isEqualTo(10);
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
    }

    @Test
    void resetAfterBytesStillResetsWhenTheClientsFinComesFirst() {
        EchoConnection connection = server.connect("reset-after-bytes=3");
        connection.send("abcdef");
        connection.clientFin();
        assertThat(connection.isOpen()).as("no FIN and no close: the reset is on its way").isTrue();
        assertThat(connection.channel().isOutputShutdown()).isFalse();
        connection.advance(50);
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.channel().isOutputShutdown()).isFalse();
        assertThat(connection.echoed()).isEqualTo("abc");
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
    }

    @Test
    void aStallEchoesNothingAndSendsItsFinAtExactlyItsTimeout() {
        EchoConnection connection = server.connect("timeout=1s");
        HalfClosableChannel channel = connection.channel();
        assertThat(channel.config().isAutoRead()).as("not read").isFalse();
        ByteBuf sent = connection.send("ignored");
        assertThat(sent.refCnt()).as("what arrives anyway is dropped").isZero();
        connection.advance(999);
        assertThat(channel.isOutputShutdown()).isFalse();
        assertThat(server.faultActions()).isEqualTo(Map.of("stall", 1.0));

        connection.advance(1);
        assertThat(channel.writtenAtFin()).as("the FIN, before any echo").isZero();
        assertThat(connection.isOpen()).isTrue();
        assertThat(server.faultActions()).isEqualTo(Map.of("stall", 1.0, "stall_close", 1.0));

        connection.clientFin();
        assertThat(connection.isOpen()).as("the client's FIN ends it at once").isFalse();
        assertThat(server.faultActions()).as("not a client that left").isEqualTo(Map.of("stall", 1.0, "stall_close", 1.0));
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
    }

    @Test
    void aStalledClientThatLeavesIsClosedAtOnce() {
        EchoConnection connection = server.connect("timeout=1s");
        connection.send("abc");
        connection.clientFin();
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.channel().isOutputShutdown()).isFalse();
        connection.advance(1_000);
        assertThat(server.faultActions()).isEqualTo(Map.of("stall", 1.0, "stall_client_left", 1.0));
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
    }

    @Test
    void slowCloseSendsTheServersFinExactlyItsDelayAfterTheWholeEcho() {
        EchoConnection connection = server.connect("slow-close=500ms");
        connection.send("abc");
        connection.read(connection.buffer("def"));
        connection.clientFin();
        assertThat(connection.echoed()).as("the echo at once").isEqualTo("abcdef");
        connection.advance(499);
        assertThat(connection.channel().isOutputShutdown()).isFalse();
        assertThat(server.faultActions()).isEqualTo(Map.of("slow_close", 1.0));

        connection.advance(1);
        assertThat(connection.channel().writtenAtFin()).isEqualTo(6);
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.closes()).isEqualTo(Map.of("completed", 1.0));
    }

    @Test
    void noHalfCloseClosesAtTheClientsFinDroppingTheQueuedEcho() {
        EchoConnection connection = server.connect("no-half-close");
        connection.send("sent");
        ByteBuf queued = connection.buffer("queued");
        connection.read(queued);
        connection.clientFin();
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.channel().isOutputShutdown()).as("no FIN first").isFalse();
        assertThat(connection.echoed()).isEqualTo("sent");
        assertThat(queued.refCnt()).isZero();
        assertThat(server.bytes("dropped")).isEqualTo(6);
        assertThat(server.faultActions()).isEqualTo(Map.of("no_half_close", 1.0));
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
    }

    @Test
    void refuseResetsAtAcceptBeforeAnyRead() {
        EchoConnection connection = server.connect("refuse");
        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.channel().written()).isZero();
        assertThat(connection.channel().isOutputShutdown()).as("a reset, no FIN").isFalse();
        assertThat(server.faultActions()).isEqualTo(Map.of("refuse", 1.0));
        assertThat(server.closes()).isEqualTo(Map.of("fault", 1.0));
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void corruptFlipsTheLowestBitOfEveryNthByteAcrossChunksInTheBuffersRead() {
        EchoConnection connection = server.connect("corrupt-every=3");
        ByteBuf first = connection.buffer("abcdefgh");
        connection.read(first);
        connection.readComplete();
        ByteBuf out = connection.channel().readOutbound();
        assertThat(out).as("altered in place, not copied").isSameAs(first);
        // Offsets 2, 5, 8 and 11 have their lowest bit flipped: c, f, i, l become b, g, h, m.
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("abbdeggh");
        out.release();
        connection.send("ijkl");
        assertThat(connection.echoed()).isEqualTo("hjkm");
        assertThat(server.faultActions()).isEqualTo(Map.of("bit_flip", 4.0));
    }
}
