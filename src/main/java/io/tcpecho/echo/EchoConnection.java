package io.tcpecho.echo;

import java.io.IOException;
import java.time.Duration;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * One client connection: echoes what it reads, stops reading while its writes are queued, and on the
 * client's half-close sends the rest, then its own FIN, then closes.
 * <p>
 * Every method runs on the connection's event loop except {@link #abortFromAnyThread}, so its state needs
 * no synchronization. Buffers are the pooled ones Netty read into: each is written back as it is and
 * released by Netty once written, with no copy.
 */
final class EchoConnection {

    private static final Logger LOG = Logger.getLogger(EchoConnection.class);

    private final NetSocketInternal socket;
    private final Channel channel;
    private final EchoMetrics metrics;
    private final ConnectionRegistry registry;
    private final long openedAt = System.nanoTime();
    private CloseReason reason;

    EchoConnection(NetSocket socket, EchoMetrics metrics, ConnectionRegistry registry) {
        this.socket = EchoChannels.internal(socket);
        this.channel = EchoChannels.prepare(socket);
        this.metrics = metrics;
        this.registry = registry;
    }

    /**
     * Starts the echo. The connection may have been held before (see {@link HeldConnection}) and may even be
     * closed already: it is counted as opened and closed all the same, exactly once.
     */
    void start(int maxConnections, int writeQueueHighWaterMark, Duration idleTimeout) {
        metrics.opened();
        boolean admitted = registry.admit(this, maxConnections);
        // The channel's own close future, unlike Vert.x's close handler, also reports a close that came first.
        channel.closeFuture().addListener(closed -> closed());
        if (!admitted) {
            abort(CloseReason.OVER_LIMIT);
            return;
        }
        socket.setWriteQueueMaxSize(writeQueueHighWaterMark);
        socket.exceptionHandler(this::failed);
        socket.eventHandler(this::userEvent);
        socket.drainHandler(v -> channel.config().setAutoRead(true));
        socket.messageHandler(this::echo);
        if (!idleTimeout.isZero()) {
            EchoChannels.addBeforeVertx(channel, IdleTimeoutHandler.NAME, new IdleTimeoutHandler(idleTimeout, this));
        }
        channel.config().setAutoRead(true);
    }

    private void echo(Object message) {
        ByteBuf data = (ByteBuf) message;
        metrics.echoed(data.readableBytes());
        socket.writeMessage(data, null);
        if (socket.writeQueueFull()) {
            // Backpressure: resume in the drain handler once the queue is below its low-water mark.
            channel.config().setAutoRead(false);
        }
    }

    private void userEvent(Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            finishAfterClientEof();
        }
    }

    /**
     * The client ended its write side: everything it sent has been read and queued. Wait until the queue
     * is written, then send FIN, then close, as {@code shutdown(SHUT_WR); close()} would.
     */
    private void finishAfterClientEof() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (!flushed.isSuccess()) {
                return; // the channel is closing already; closed() counts it as a reset
            }
            ((DuplexChannel) channel).shutdownOutput().addListener((ChannelFuture shut) -> {
                if (shut.isSuccess() && reason == null) {
                    reason = CloseReason.COMPLETED;
                }
                socket.close();
            });
        });
    }

    /** Closes at once, dropping anything still queued. */
    void abort(CloseReason why) {
        if (reason == null) {
            reason = why;
        }
        // Start at the head of the pipeline: Vert.x's own close would first wait for the queue to drain.
        channel.pipeline().firstContext().close();
    }

    void abortFromAnyThread(CloseReason why) {
        channel.eventLoop().execute(() -> abort(why));
    }

    private void failed(Throwable failure) {
        if (failure instanceof IOException) {
            // Resets and broken pipes are the client's business: count them, no stack trace.
            LOG.debugf("Connection from %s failed: %s", socket.remoteAddress(), failure);
            if (reason == null) {
                reason = CloseReason.RESET;
            }
        } else {
            LOG.warnf("Connection from %s failed and is closed: %s", socket.remoteAddress(), failure);
            if (reason == null) {
                reason = CloseReason.ERROR;
            }
        }
    }

    private void closed() {
        registry.remove(this);
        metrics.closed(reason == null ? CloseReason.RESET : reason, System.nanoTime() - openedAt);
    }
}
