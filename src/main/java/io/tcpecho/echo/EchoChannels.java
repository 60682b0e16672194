package io.tcpecho.echo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.DuplexChannelConfig;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * The one place where the echo reaches below Vert.x's public API, and what it assumes there (VertxAssumptionsTest
 * checks each assumption against the Vert.x on the class path, so that an upgrade that breaks one says which):
 * <ol>
 * <li>a {@link NetSocket} of a {@code NetServer} is a {@link NetSocketInternal}, whose channel handler context leads
 * to the Netty channel under it;</li>
 * <li>Vert.x's own handler in that channel's pipeline is named {@value #VERTX_HANDLER}; handlers added before it see
 * every inbound event first, and what they consume never reaches Vert.x;</li>
 * <li>Vert.x closes a server's accepted channels when the server closes, with {@code channel.close()}, which starts at
 * the pipeline's tail (see {@link ListenerCloseDeferral});</li>
 * <li>a channel whose config allows half-closure reports the client's FIN as an event, not as a close.</li>
 * </ol>
 * Vert.x offers no public way to do these, in version 4 or 5: the echo is a Netty handler ({@link EchoHandler}) so
 * that it writes the very buffers Netty read, knows when each write ends, and half-closes.
 */
public final class EchoChannels {

    /** The name Vert.x 4 gives its own handler in every connection's pipeline. */
    static final String VERTX_HANDLER = "handler";

    private EchoChannels() {
    }

    public static Channel channel(NetSocket socket) {
        return ((NetSocketInternal) socket).channelHandlerContext().channel();
    }

    /** The client's FIN ends only the connection's input: without this, Netty closes at the FIN and drops the echo. */
    public static Channel allowHalfClosure(NetSocket socket) {
        Channel channel = channel(socket);
        ((DuplexChannelConfig) channel.config()).setAllowHalfClosure(true);
        return channel;
    }

    /** Adds {@code handler} where it sees inbound events before Vert.x does; last when Vert.x's handler is not there. */
    static void addBeforeVertx(Channel channel, String name, ChannelHandler handler) {
        if (channel.pipeline().get(VERTX_HANDLER) != null) {
            channel.pipeline().addBefore(VERTX_HANDLER, name, handler);
        } else {
            channel.pipeline().addLast(name, handler);
        }
    }

    /**
     * Closes now, from the pipeline's head: past TLS (no close_notify, so that an abort or a reset reaches the client as
     * such), and never behind the {@link ListenerCloseDeferral} of a listener that drains, as a close of the whole
     * channel would be.
     */
    static void closeNow(Channel channel) {
        channel.pipeline().firstContext().close();
    }
}
