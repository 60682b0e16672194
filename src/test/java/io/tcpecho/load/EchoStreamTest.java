package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.tcpecho.load.EchoStream.Deviation;
import io.tcpecho.load.Observed.Kind;

/** One connection's stream and its echo, without a channel: what it sends, and what it takes as its echo. */
class EchoStreamTest {

    private final PayloadPattern pattern = new PayloadPattern(7);

    /** {@code length} bytes of {@code stream}'s next slices, copied as a server would echo them. */
    private static ByteBuf send(EchoStream stream, int length) {
        return Unpooled.copiedBuffer(stream.next(length));
    }

    @Test
    void theEchoOfWhatWasSentIsTakenInAnyPiecesAndCounted() {
        EchoStream stream = new EchoStream(pattern, 3);
        ByteBuf echo = Unpooled.wrappedBuffer(send(stream, 5000), send(stream, 3000));
        assertThat(stream.sent()).isEqualTo(8000);

        assertThat(stream.verify(echo.readSlice(1))).isNull();
        assertThat(stream.verify(echo.readSlice(6999))).isNull();
        assertThat(stream.received()).isEqualTo(7000);
        assertThat(stream.verify(echo)).isNull();
        assertThat(stream.received()).isEqualTo(8000);
    }

    @Test
    void anotherConnectionsStreamIsNotThisOnesEcho() {
        EchoStream mine = new EchoStream(pattern, 3);
        EchoStream other = new EchoStream(pattern, 4);
        mine.next(100);

        Deviation wrong = mine.verify(send(other, 100));
        assertThat(wrong.kind()).isEqualTo(Kind.CORRUPTED);
        assertThat(mine.received()).as("nothing of a wrong read counts").isZero();
    }

    @Test
    void aDifferingByteIsFoundWhereItIsAcrossTheBuffersOfOneRead() {
        EchoStream stream = new EchoStream(pattern, 3);
        ByteBuf first = send(stream, 2000);
        ByteBuf second = send(stream, 2000);
        second.setByte(500, second.getByte(500) ^ 0x01);
        CompositeByteBuf read = Unpooled.compositeBuffer().addComponents(true, first, second);

        Deviation wrong = stream.verify(read);
        assertThat(wrong.kind()).isEqualTo(Kind.CORRUPTED);
        assertThat(wrong.atByte()).isEqualTo(2500);
        read.release();
    }

    @Test
    void moreBytesThanWereSentAreTooMuchEvenIfTheyAreTheStreamsNext() {
        EchoStream stream = new EchoStream(pattern, 3);
        EchoStream twin = new EchoStream(pattern, 3);
        stream.next(100);

        Deviation wrong = stream.verify(send(twin, 150));
        assertThat(wrong).isEqualTo(new Deviation(Kind.TOO_MUCH, 0, "50"));
    }

    @Test
    void theServersRefusalLineCountsOnlyAsTheEchosFirstBytes() {
        byte[] line = "FAULT ERROR bad_selection: no such fault\r\n".getBytes(StandardCharsets.US_ASCII);
        EchoStream fresh = new EchoStream(pattern, 3);
        fresh.next(10);
        assertThat(fresh.verify(Unpooled.wrappedBuffer(line)))
                .isEqualTo(new Deviation(Kind.SELECTION_REFUSED, 0, "FAULT ERROR bad_selection: no such fault"));

        EchoStream echoing = new EchoStream(pattern, 3);
        ByteBuf start = send(echoing, 10);
        echoing.next(line.length);
        assertThat(echoing.verify(start)).isNull();
        assertThat(echoing.verify(Unpooled.wrappedBuffer(line)).kind()).as("after the first echoed bytes")
                .isEqualTo(Kind.CORRUPTED);
    }
}
