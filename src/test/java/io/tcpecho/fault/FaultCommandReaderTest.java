package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.tcpecho.echo.ConnectionPipeline;

/**
 * The command port's first stage on its own, on an {@link EmbeddedChannel} whose clock stands still: what it takes
 * as a line, what it hands the echo after it, and each refusal. The channel's inbound queue stands for the echo.
 */
class FaultCommandReaderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<ByteBuf> written = new ArrayList<>();
    private final List<FaultSpec> started = new ArrayList<>();
    private final List<FaultSelection.Refused> refused = new ArrayList<>();
    /** What the echo had received when it started: nothing, or the bytes after the line went around it. */
    private final List<Integer> receivedAtStart = new ArrayList<>();
    /** What reached the echo: the stage that starting it puts after the reader, as the echo server's start does. */
    private final List<ByteBuf> echoed = new ArrayList<>();

    @BeforeEach
    void addReader() {
        channel.freezeTime();
        ConnectionPipeline.FAULT_SELECTION.add(channel, new FaultCommandReader(TIMEOUT, faults -> {
            receivedAtStart.add(echoed.size() + channel.inboundMessages().size());
            started.add(faults);
            ConnectionPipeline.ECHO.add(channel, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                    echoed.add((ByteBuf) message);
                }
            });
        }, refused::add));
    }

    @AfterEach
    void everyBufferIsReleased() {
        assertThat(channel.finish()).as("nothing reached the echo that the test did not read").isFalse();
        assertThat(written).allSatisfy(buffer -> assertThat(buffer.refCnt()).as("written in, then released").isZero());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "\r\n", "\n" })
    void aLineSplitByteByByteStartsTheEchoThenItGetsTheBytesAfterTheLineInTheSameTurn(String lineEnd) {
        byte[] line = ("FAULT latency=200ms" + lineEnd).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < line.length - 1; i++) {
            write(new byte[] { line[i] });
            assertThat(started).as("after byte %d of the line", i + 1).isEmpty();
        }
        byte[] after = everyByteValue();
        byte[] lastAndAfter = new byte[1 + after.length];
        lastAndAfter[0] = line[line.length - 1];
        System.arraycopy(after, 0, lastAndAfter, 1, after.length);

        write(lastAndAfter);

        assertThat(started).containsExactly(faults("FAULT latency=200ms"));
        assertThat(receivedAtStart).as("the echo started before the bytes after the line reached it").containsExactly(0);
        assertThat(received()).as("in the read that carried them").isEqualTo(after);
        assertThat(channel.pipeline().get(ConnectionPipeline.FAULT_SELECTION.handlerName())).as("the reader left").isNull();
        write("more".getBytes(StandardCharsets.US_ASCII));
        assertThat(received()).isEqualTo("more".getBytes(StandardCharsets.US_ASCII));
        assertThat(refused).isEmpty();
    }

    @Test
    void aLineAloneStartsTheEchoWithNothingPassedOn() {
        write("FAULT\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(started).containsExactly(FaultSpec.NONE);
        assertThat(echoed).isEmpty();
        assertThat(channel.inboundMessages()).isEmpty();
    }

    /** The bound counts every byte before the LF, a CRLF line's CR included. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "\r\n", "\n" })
    void aLineOfTheMostBytesIsTaken(String lineEnd) {
        String line = padded("FAULT latency=1ms", FaultCommandReader.MAX_LINE - lineEnd.length() + 1);
        write((line + lineEnd).getBytes(StandardCharsets.US_ASCII));
        assertThat(started).containsExactly(faults("FAULT latency=1ms"));
        assertThat(refused).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "\r\n", "\n" })
    void aLineOneByteLongerIsRefused(String lineEnd) {
        String line = padded("FAULT latency=1ms", FaultCommandReader.MAX_LINE - lineEnd.length() + 2);
        write((line + lineEnd).getBytes(StandardCharsets.US_ASCII));
        assertRefused("too_long");
    }

    @Test
    void tooLongIsRefusedAsSoonAsTheBoundIsPassedWithoutWaitingForTheLineEnd() {
        write(padded("FAULT", FaultCommandReader.MAX_LINE).getBytes(StandardCharsets.US_ASCII));
        assertThat(refused).isEmpty();
        write(new byte[] { ' ' });
        assertRefused("too_long");
    }

    @Test
    void anInvalidSelectionIsRefusedAndWhatFollowsItIsNotPassedOn() {
        write("FAULT latency=soon\r\nhello".getBytes(StandardCharsets.US_ASCII));
        assertThat(refused).singleElement().satisfies(refusal -> {
            assertThat(refusal.tag()).isEqualTo(catchRefused("FAULT latency=soon").tag());
            assertThat(refusal).hasMessage(catchRefused("FAULT latency=soon").getMessage());
        });
        assertThat(started).isEmpty();
        assertThat(channel.pipeline().get(ConnectionPipeline.FAULT_SELECTION.handlerName())).isNull();
    }

    @Test
    void noLineWithinTheTimeoutIsRefused() {
        write("FAULT lat".getBytes(StandardCharsets.US_ASCII));
        channel.advanceTimeBy(TIMEOUT.toNanos() - 1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(refused).as("not yet").isEmpty();

        channel.advanceTimeBy(1, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertRefused("timeout");
    }

    /** The timeout as the configuration writes it (echo.faults.command-timeout=5s), not rounded to milliseconds. */
    @Test
    void aTimeoutRefusalSaysTheTimeoutAsConfigured() {
        channel.advanceTimeBy(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(refused).singleElement().extracting(Throwable::getMessage).isEqualTo("no FAULT line within 5s");
    }

    @Test
    void aLineInTimeStopsTheTimeout() {
        write("FAULT\n".getBytes(StandardCharsets.US_ASCII));
        channel.advanceTimeBy(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        assertThat(refused).isEmpty();
    }

    @Test
    void theClientsFinBeforeTheLineEndsIsRefused() {
        write("FAULT latency=1ms".getBytes(StandardCharsets.US_ASCII));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertRefused("incomplete");
    }

    @Test
    void aCloseBeforeTheLineIsRefused() {
        write("FAULT".getBytes(StandardCharsets.US_ASCII));
        channel.close();
        assertRefused("incomplete");
    }

    @Test
    void aResetBeforeTheLineIsRefusedAndNotPassedOn() {
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertRefused("incomplete");
        assertThat(refused.get(0)).hasMessageContaining("Connection reset by peer");
        channel.checkException();
    }

    private void assertRefused(String tag) {
        assertThat(refused).singleElement().extracting(FaultSelection.Refused::tag).isEqualTo(tag);
        assertThat(started).isEmpty();
        assertThat(channel.pipeline().get(ConnectionPipeline.FAULT_SELECTION.handlerName())).as("the reader left").isNull();
        assertThat(echoed).as("nothing passed on").isEmpty();
        assertThat(channel.inboundMessages()).as("nothing passed on").isEmpty();
    }

    private void write(byte[] bytes) {
        ByteBuf buffer = Unpooled.copiedBuffer(bytes);
        written.add(buffer);
        channel.writeInbound(buffer);
    }

    /**
     * Every byte that reached the echo since the last call, released; none may have gone around it to the pipeline's
     * end.
     */
    private byte[] received() {
        assertThat(channel.inboundMessages()).as("bytes that went around the echo").isEmpty();
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part : echoed) {
            all.writeBytes(part);
            part.release();
        }
        echoed.clear();
        return ByteBufUtil.getBytes(all);
    }

    private static String padded(String line, int length) {
        return line + " ".repeat(length - line.length());
    }

    private static byte[] everyByteValue() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static FaultSpec faults(String line) {
        try {
            return FaultSelection.command(line);
        } catch (FaultSelection.Refused refused) {
            throw new AssertionError(refused);
        }
    }

    private static FaultSelection.Refused catchRefused(String line) {
        try {
            FaultSelection.command(line);
        } catch (FaultSelection.Refused refused) {
            return refused;
        }
        throw new AssertionError(line + " was taken");
    }
}
