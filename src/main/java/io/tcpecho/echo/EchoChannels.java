package io.tcpecho.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannelConfig;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * The one place where the echo reaches below Vert.x's public {@link NetSocket} to the Netty channel under it.
 * The echo needs what Vert.x 4 does not offer publicly: zero-copy writes of the buffers Netty read into
 * ({@link NetSocketInternal#messageHandler}) with a Netty promise that reports each write's end without a
 * Vert.x future around it ({@link ConnectionBase#writeToChannel(Object, ChannelPromise)}), half-closure (the
 * client's FIN as an event, not a close) and handlers of its own in the pipeline. Vert.x 5 has no public
 * replacement for these either.
 */
final class EchoChannels {

    /** The name Vert.x 4 gives its own handler in every connection's pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private EchoChannels() {
    }

    static NetSocketInternal internal(NetSocket socket) {
        return (NetSocketInternal) socket;
    }

    static Channel channel(NetSocket socket) {
        return internal(socket).channelHandlerContext().channel();
    }

    /**
     * Makes a just-accepted connection safe to wait: the client's FIN ends only its input, and a close of the
     * listener's connections does not end it (see {@link ExternalCloseDeferrer}). Idempotent.
     */
    static Channel prepare(NetSocket socket) {
        Channel channel = channel(socket);
        // Without this, Netty closes the whole channel on the client's FIN and drops the queued echo.
        ((DuplexChannelConfig) channel.config()).setAllowHalfClosure(true);
        if (channel.pipeline().get(ExternalCloseDeferrer.NAME) == null) {
            channel.pipeline().addLast(ExternalCloseDeferrer.NAME, ExternalCloseDeferrer.INSTANCE);
        }
        return channel;
    }

    /**
     * Writes {@code data} as Vert.x's own writes do (flushed at the end of the read that produced it, and in
     * order with writes from other threads), completing {@code promise} when it is written or dropped.
     */
    static void write(NetSocketInternal socket, ByteBuf data, ChannelPromise promise) {
        ((ConnectionBase) socket).writeToChannel(data, promise);
    }

    /** Adds {@code handler} where it sees inbound events before Vert.x does. */
    static void addBeforeVertx(Channel channel, String name, ChannelHandler handler) {
        channel.pipeline().addBefore(VERTX_HANDLER, name, handler);
    }
}
