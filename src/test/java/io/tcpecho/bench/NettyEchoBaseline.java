package io.tcpecho.bench;

import java.io.File;

import javax.net.ssl.SSLException;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.tcpecho.tls.TlsHalfClose;

/**
 * The benchmark's baseline: a plain Netty echo server, the best a JVM echo can reasonably do. Native epoll,
 * the pooled allocator, the received buffers written back as they are (no copy), flushed once per read batch,
 * reading paused while the socket is not writable, and half-close handled (on the client's FIN: flush the
 * rest, send FIN, close). No Quarkus, no Vert.x. The same echo inside TLS (Netty's SslHandler on the JDK's TLS, as
 * ours defaults to; half-close with close_notify) and a UDP echo (each datagram back, no guard) on ports of their own.
 * <p>
 * {@code java -cp ... io.tcpecho.bench.NettyEchoBaseline PORT EVENT_LOOPS [TLS_PORT CERT_PEM KEY_PEM UDP_PORT]};
 * EVENT_LOOPS 0 is Netty's default (twice the CPU count). Prints {@code READY} once listening.
 */
public final class NettyEchoBaseline {

    private NettyEchoBaseline() {
    }

    public static void main(String[] args) throws InterruptedException, SSLException {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("native epoll unavailable", Epoll.unavailabilityCause());
        }
        int port = Integer.parseInt(args[0]);
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(loops);
        Channel server = listen(boss, workers, port, null);
        if (args.length > 2) {
            SslContext tls = SslContextBuilder.forServer(new File(args[3]), new File(args[4])).sslProvider(SslProvider.JDK).build();
            listen(boss, workers, Integer.parseInt(args[2]), tls);
            new Bootstrap().group(workers).channel(EpollDatagramChannel.class)
                    .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .handler(new UdpEcho())
                    .bind("127.0.0.1", Integer.parseInt(args[5])).sync();
        }
        System.out.println("READY " + port);
        System.out.flush();
        server.closeFuture().sync();
    }

    private static Channel listen(EventLoopGroup boss, EventLoopGroup workers, int port, SslContext tls)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast(new Echo());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    private static final class UdpEcho extends SimpleChannelInboundHandler<DatagramPacket> {
        UdpEcho() {
            super(false); // the datagram's buffer goes back out as it is
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        private boolean ended;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (TlsHalfClose.isEndOfInput(evt) && !ended) {
                ended = true;
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
                    if (!flushed.isSuccess()) {
                        ctx.close();
                        return;
                    }
                    TlsHalfClose.shutdownOutput(ctx.channel()).addListener((ChannelFutureListener) shut -> ctx.close());
                });
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
