package io.tcpecho.echo;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Sits at the tail of every echo connection's pipeline and defers a close requested on the whole channel
 * until the connection closes itself.
 * <p>
 * Vert.x closes a {@code NetServer}'s listening socket and all of its accepted channels together (through
 * a channel group, which calls {@code channel.close()}). A graceful drain needs the first without the
 * second: stop accepting, but let transfers in progress finish. The connection's own closes start at
 * Vert.x's handler, nearer the head, so they never pass through here; only closes from outside do. The
 * drain bounds the wait: connections still open when it times out are aborted.
 * <p>
 * Vert.x 5 shuts servers down gracefully itself ({@code NetServer.shutdown} with a timeout, a shutdown event
 * to each connection), which would replace this class and the listener half of the drain.
 */
@Sharable
final class ExternalCloseDeferrer extends ChannelOutboundHandlerAdapter {

    static final String NAME = "echo-external-close-deferrer";
    static final ExternalCloseDeferrer INSTANCE = new ExternalCloseDeferrer();

    private ExternalCloseDeferrer() {
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
    }
}
