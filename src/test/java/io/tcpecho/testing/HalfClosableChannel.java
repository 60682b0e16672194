package io.tcpecho.testing;

import java.nio.channels.ClosedChannelException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DuplexChannel;

/**
 * An {@link EmbeddedChannel} that half-closes as a socket does, for stages that send their FIN through
 * {@link DuplexChannel#shutdownOutput()} (Netty 4.1's embedded channel is no {@code DuplexChannel}). It records how many
 * bytes had been written when the server's FIN went, so that a test can tell whether the FIN came after everything or
 * at an exact offset: at the output's shutdown, or at a close once the peer's FIN was read (then nothing is left
 * unread, and the kernel sends the FIN after what was written, as it does on a socket without SO_LINGER 0). As on a
 * socket, shutting down a closed channel fails.
 */
public final class HalfClosableChannel extends EmbeddedChannel implements DuplexChannel {

    private long written;
    /** Bytes written before the output was shut down; -1 while it is open. */
    private long writtenAtOutputShutdown = -1;
    /** Bytes written before the FIN: at the output's shutdown, or at a close after the peer's FIN; -1: no FIN yet. */
    private long writtenAtFin = -1;
    private boolean inputShutdown;
    /** The peer reads nothing: its window is closed, and what is flushed stays in the channel's outbound buffer. */
    private boolean peerStoppedReading;

    /** From now on nothing more leaves: a client that stopped reading, its window closed. */
    public void peerStopsReading() {
        peerStoppedReading = true;
    }

    /** The peer reads again: what waits leaves now. */
    public void peerResumesReading() {
        peerStoppedReading = false;
        flush();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (!peerStoppedReading) {
            super.doWrite(in);
        }
    }

    @Override
    protected void handleOutboundMessage(Object message) {
        if (message instanceof ByteBuf data) {
            written += data.readableBytes();
        }
        super.handleOutboundMessage(message);
    }

    /** Bytes written to the channel so far, whether read back already or not. */
    public long written() {
        return written;
    }

    /** Bytes that had been written when the server's FIN went (its offset); -1 if none went. */
    public long writtenAtFin() {
        return writtenAtFin;
    }

    @Override
    public boolean isOutputShutdown() {
        return writtenAtOutputShutdown >= 0;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        if (!isActive()) {
            return promise.setFailure(new ClosedChannelException());
        }
        if (writtenAtOutputShutdown < 0) {
            writtenAtOutputShutdown = written;
            writtenAtFin = written;
        }
        return promise.setSuccess();
    }

    @Override
    protected void doClose() throws Exception {
        if (writtenAtFin < 0 && inputShutdown && isActive()) {
            writtenAtFin = written;
        }
        super.doClose();
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        if (!isActive()) {
            return promise.setFailure(new ClosedChannelException());
        }
        inputShutdown = true;
        return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        shutdownInput();
        return shutdownOutput(promise);
    }
}
