package io.tcpecho.echo;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Lets a graceful drain close the echo's listening sockets without closing the connections they accepted. It sits at
 * the tail of each echo connection's pipeline, so only a close requested on the whole channel passes it; the
 * connection's own closes start at its handlers and never do.
 * <p>
 * Vert.x closes a {@code NetServer}'s listening socket and its accepted channels together, through a channel group
 * that calls {@code channel.close()}. A drain needs the first without the second: stop accepting, but let transfers in
 * progress finish. So once {@link #drain} is called, a whole-channel close waits until the connection closes itself.
 * That wait is bounded: the drain aborts the connections still open at echo.drain-timeout, and a connection that has
 * not reached its echo yet ends at its stage's own timeout (the PROXY header's, the fault line's). Before the drain, a
 * whole-channel close closes at once.
 * <p>
 * Vert.x 5 shuts servers down gracefully itself ({@code NetServer.shutdown} with a timeout, a shutdown event to each
 * connection), which would replace this class and the listener half of the drain.
 */
@Sharable
final class ListenerCloseDeferral extends ChannelOutboundHandlerAdapter {

    static final String NAME = "echo-listener-close-deferral";

    /** Written by the thread that starts the drain, read on every event loop. */
    private volatile boolean draining;

    void drain() {
        draining = true;
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (draining) {
            ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
        } else {
            ctx.close(promise);
        }
    }
}
