package io.tcpecho.echo;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tcpecho.tls.TlsHalfClose;

/**
 * The answer to a refused fault selection, in the echo's place ({@link ConnectionPipeline#ECHO}): one line, then the
 * server's FIN (after close_notify on TLS). What the client sends meanwhile is dropped; the connection closes at the
 * client's FIN, at a failure, or {@value EchoHandler#LINGER_AFTER_SERVER_FIN_MILLIS} ms after the line, whichever
 * comes first: a client that never sends its FIN cannot hold it.
 */
final class RefusedSelection extends ChannelInboundHandlerAdapter {

    private final String errorLine;
    private ScheduledFuture<?> linger;

    RefusedSelection(String errorLine) {
        this.errorLine = errorLine;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        linger = ctx.executor().schedule(() -> ctx.close(), EchoHandler.LINGER_AFTER_SERVER_FIN_MILLIS, TimeUnit.MILLISECONDS);
        ctx.channel().config().setAutoRead(true);
        ctx.writeAndFlush(Unpooled.copiedBuffer(errorLine, StandardCharsets.US_ASCII))
                .addListener((ChannelFuture written) -> TlsHalfClose.shutdownOutput(ctx.channel()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ReferenceCountUtil.release(message);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (TlsHalfClose.isEndOfInput(event)) {
            ctx.close();
        }
    }

    /** The client's reset, most likely: it is leaving, and nothing is left to tell it. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        linger.cancel(false);
        ctx.fireChannelInactive();
    }
}
