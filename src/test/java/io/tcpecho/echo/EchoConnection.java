package io.tcpecho.echo;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.tcpecho.testing.HalfClosableChannel;

/**
 * One client's connection to an {@link EmbeddedEchoServer}, driven as Netty drives a socket's pipeline: reads and
 * their ends, the client's FIN, failures; what the server wrote back; and the connection's clock, which moves only
 * when the test moves it.
 */
final class EchoConnection {

    private final HalfClosableChannel channel;

    EchoConnection(HalfClosableChannel channel) {
        this.channel = channel;
    }

    HalfClosableChannel channel() {
        return channel;
    }

    /** A buffer as Netty reads one, from the channel's allocator, holding {@code text}. */
    ByteBuf buffer(String text) {
        return channel.alloc().buffer(text.length()).writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** One read of {@code data}, and not yet the read's end. */
    void read(ByteBuf data) {
        channel.pipeline().fireChannelRead(data);
        runTasks();
    }

    /** The end of a read: what it read is all there is for now. */
    void readComplete() {
        channel.pipeline().fireChannelReadComplete();
        runTasks();
    }

    /** The client sends {@code text}, read at once: one read and its end. Returns the buffer it was read into. */
    ByteBuf send(String text) {
        ByteBuf data = buffer(text);
        read(data);
        readComplete();
        return data;
    }

    /**
     * The client's FIN, as the transport reports it on a channel that allows half-closure: once everything before it was
     * read, the input shut down, then the event.
     */
    void clientFin() {
        channel.shutdownInput();
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        runTasks();
    }

    /** A failure on the connection, as the transport reports one (a reset is an IOException). */
    void fail(Throwable failure) {
        channel.pipeline().fireExceptionCaught(failure);
        runTasks();
    }

    /** What the server wrote that the test has not taken yet, as text; each buffer released. */
    String echoed() {
        StringBuilder echoed = new StringBuilder();
        for (ByteBuf data; (data = channel.readOutbound()) != null;) {
            echoed.append(data.toString(StandardCharsets.US_ASCII));
            data.release();
        }
        return echoed.toString();
    }

    /** Moves the connection's clock by {@code millis}, and runs what fell due and what that started. */
    void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        runTasks();
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Runs the event loop's queued tasks and its timers due, twice: a timer's work may queue a task of its own (a close
     * is accounted for a task later, a fault's FIN follows the write in flight).
     */
    private void runTasks() {
        channel.runPendingTasks();
        channel.runPendingTasks();
    }
}
