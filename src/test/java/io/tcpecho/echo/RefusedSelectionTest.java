package io.tcpecho.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.tcpecho.fault.FaultSelection;

/**
 * The answer to a refused fault selection ({@link RefusedSelection}) on an embedded channel whose clock the test moves:
 * its error line, then the server's FIN; the close at the client's FIN, or 2 s after the line when the client never
 * sends one; whatever the client sends meanwhile released unanswered.
 */
class RefusedSelectionTest {

    private static final String LINE = "FAULT ERROR invalid: limit-data=-1 is not a size\r\n";

    private final EmbeddedEchoServer server = new EmbeddedEchoServer(Map.of());
    private final EchoConnection connection = server.refuse(new FaultSelection.Refused("invalid", "limit-data=-1 is not a size"));

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void theErrorLineThenTheServersFinThenTheCloseAtTheClientsFin() {
        assertThat(connection.echoed()).isEqualTo(LINE);
        assertThat(connection.channel().writtenAtFin()).as("the FIN right after the line").isEqualTo(LINE.length());
        assertThat(server.refusedSelections()).isEqualTo(Map.of("command/invalid", 1.0));

        ByteBuf meanwhile = connection.send("echo me");
        assertThat(meanwhile.refCnt()).as("released unanswered").isZero();
        assertThat(connection.channel().written()).isEqualTo(LINE.length());
        assertThat(connection.isOpen()).isTrue();

        connection.clientFin();
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.openConnections()).as("never counted as an echo connection").isZero();
    }

    @Test
    void aClientThatNeverSendsItsFinIsClosedTwoSecondsAfterTheLine() {
        connection.send("still talking");
        connection.advance(1_999);
        assertThat(connection.isOpen()).isTrue();
        assertThat(server.openingConnections()).as("open, not echoing: counted as opening").isEqualTo(1);
        connection.advance(1);
        assertThat(connection.isOpen()).isFalse();
        assertThat(server.openingConnections()).isZero();
        assertThat(connection.channel().writtenAtFin()).isEqualTo(LINE.length());
    }

    @Test
    void aFailureClosesAtOnce() {
        connection.fail(new IOException("Connection reset by peer"));
        assertThat(connection.isOpen()).isFalse();
        connection.channel().checkException();
    }
}
