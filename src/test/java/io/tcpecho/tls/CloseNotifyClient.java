package io.tcpecho.tls;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.tcpecho.testing.EchoClient;

/**
 * A TLS client that ends its output with close_notify alone, its TCP side left open, and reads until the server's
 * close_notify: what shows that the server takes close_notify itself, not the FIN that usually follows it, as the end
 * of the client's input.
 */
final class CloseNotifyClient {

    private CloseNotifyClient() {
    }

    /** Sends {@code payload}, then close_notify; returns what came back before the server's close_notify. */
    static byte[] echo(int port, Path trust, byte[] payload) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            var context = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(trust.toFile()).build();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            CompletableFuture<byte[]> ended = new CompletableFuture<>();
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(context.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf data = (ByteBuf) msg;
                                    byte[] bytes = new byte[data.readableBytes()];
                                    data.readBytes(bytes);
                                    data.release();
                                    received.writeBytes(bytes);
                                }

                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                    if (event == SslCloseCompletionEvent.SUCCESS) {
                                        ended.complete(received.toByteArray());
                                    } else if (event instanceof ChannelInputShutdownEvent && !ended.isDone()) {
                                        ended.completeExceptionally(new AssertionError("FIN without the server's close_notify"));
                                    }
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ended.completeExceptionally(cause);
                                }
                            });
                        }
                    })
                    .connect(EchoClient.HOST, port).sync().channel();
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            ssl.handshakeFuture().sync();
            channel.writeAndFlush(Unpooled.wrappedBuffer(payload)).sync();
            ssl.closeOutbound().sync();
            return ended.get(30, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
