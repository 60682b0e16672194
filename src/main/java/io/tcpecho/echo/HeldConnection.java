package io.tcpecho.echo;

import java.util.ArrayList;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.tcpecho.tls.TlsHalfClose;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/**
 * An accepted connection whose echo has not started yet. Everything its client sends meanwhile (data, the
 * FIN of a half-close, a failure) is kept, in order, and passed on once {@link #release released}: a client
 * that sends and half-closes at once must still get its echo.
 * <p>
 * Reading is paused while held, but the epoll transport still reads a connection whose client half-closed,
 * up to the FIN, whatever its auto-read setting; that is why the connection is made half-closable before it
 * is held, and why what arrives is kept here rather than left to Vert.x, which would drop the FIN event of a
 * socket with no handler yet. The connection also outlives the listener that accepted it (dev mode restarts
 * the application, and with it the listener, while connections wait).
 */
public final class HeldConnection extends ChannelInboundHandlerAdapter {

    private final NetSocket socket;
    private final Channel channel;
    private final List<Arrival> arrived = new ArrayList<>();
    /** Read from other threads, by those who wait for the client's FIN to arrive while held. */
    private volatile boolean clientEnded;

    private HeldConnection(NetSocket socket, Channel channel) {
        this.socket = socket;
        this.channel = channel;
    }

    /** Holds a connection that has just been accepted; call it on the connection's event loop. */
    public static HeldConnection hold(NetSocket socket) {
        Channel channel = EchoChannels.channel(socket);
        channel.config().setAutoRead(false);
        HeldConnection held = new HeldConnection(socket, channel);
        ConnectionPipeline.HELD.add(channel, held);
        return held;
    }

    /**
     * From any thread: on the connection's event loop, hands the connection to {@code serve}, then passes on
     * what arrived while it was held.
     */
    public void release(Handler<NetSocket> serve) {
        channel.eventLoop().execute(() -> {
            serve.handle(socket);
            if (channel.pipeline().context(this) != null) {
                channel.pipeline().remove(this);
            }
        });
    }

    /** Whether the client's FIN arrived while the connection was held. */
    boolean clientEnded() {
        return clientEnded;
    }

    /** From any thread: closes the connection without serving it, for when nothing can. */
    public void close() {
        channel.eventLoop().execute(() -> EchoChannels.closeNow(channel));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        arrived.add(new Read(message));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        arrived.add(ReadComplete.INSTANCE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        clientEnded |= TlsHalfClose.isEndOfInput(event);
        arrived.add(new Event(event));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        arrived.add(new Failure(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Reset while held: nothing can be echoed any more. The connection is still served, so that it is
        // counted like any other, but what it sent is let go here.
        arrived.forEach(Arrival::discard);
        arrived.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        List<Arrival> replay = List.copyOf(arrived);
        arrived.clear();
        replay.forEach(arrival -> arrival.passOn(ctx));
    }

    /** Something that reached the connection while it was held. */
    private sealed interface Arrival {
        void passOn(ChannelHandlerContext ctx);

        default void discard() {
        }
    }

    private record Read(Object message) implements Arrival {
        @Override
        public void passOn(ChannelHandlerContext ctx) {
            ctx.fireChannelRead(message);
        }

        @Override
        public void discard() {
            ReferenceCountUtil.release(message);
        }
    }

    private enum ReadComplete implements Arrival {
        INSTANCE;

        @Override
        public void passOn(ChannelHandlerContext ctx) {
            ctx.fireChannelReadComplete();
        }
    }

    private record Event(Object event) implements Arrival {
        @Override
        public void passOn(ChannelHandlerContext ctx) {
            ctx.fireUserEventTriggered(event);
        }
    }

    private record Failure(Throwable cause) implements Arrival {
        @Override
        public void passOn(ChannelHandlerContext ctx) {
            ctx.fireExceptionCaught(cause);
        }
    }
}
