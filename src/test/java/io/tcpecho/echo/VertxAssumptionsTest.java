package io.tcpecho.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * What {@link EchoChannels} assumes about the Vert.x on the class path, one test per assumption, on a plain Vert.x
 * {@code NetServer} (no Quarkus) with the native transport the service prefers: the day an upgrade breaks one, the
 * test named after it fails.
 */
class VertxAssumptionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    private NetServer server;

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Assumption 1: an accepted NetSocket leads to its Netty channel. */
    @Test
    void anAcceptedSocketLeadsToItsNettyChannel() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        int port = listen(socket -> accepted.complete(EchoChannels.channel(socket)));
        try (Socket client = new Socket("127.0.0.1", port)) {
            Channel channel = accepted.get(10, TimeUnit.SECONDS);
            assertThat(channel.isActive()).isTrue();
            assertThat(((java.net.InetSocketAddress) channel.remoteAddress()).getPort()).isEqualTo(client.getLocalPort());
        }
    }

    /**
     * Assumption 2: Vert.x's own handler is named "handler"; a handler added before it sees the bytes first, and what it
     * consumes never reaches the NetSocket's handler, while what it writes reaches the client.
     */
    @Test
    void aHandlerBeforeVertxsOwnSeesEveryByteAndVertxNoneOfThose() throws Exception {
        AtomicBoolean vertxSawData = new AtomicBoolean();
        int port = listen(socket -> {
            socket.handler(data -> vertxSawData.set(true));
            Channel channel = EchoChannels.channel(socket);
            assertThat(channel.pipeline().get(EchoChannels.VERTX_HANDLER)).as("Vert.x's handler by its name").isNotNull();
            EchoChannels.addBeforeVertx(channel, "test-echo", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object message) {
                    ctx.writeAndFlush(message);
                }
            });
            assertThat(channel.pipeline().names()).containsSubsequence("test-echo", EchoChannels.VERTX_HANDLER);
        });
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
        }
        assertThat(vertxSawData).as("Vert.x's handler got none of the consumed bytes").isFalse();
    }

    /**
     * Assumption 3: closing the server closes its accepted channels with a close that starts at the pipeline's tail, which
     * the listener's close deferral holds once draining, and lets through before.
     */
    @Test
    void closingTheServerClosesItsConnectionsFromThePipelinesTail() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        BlockingQueue<String> closesSeenAtTheTail = new LinkedBlockingQueue<>();
        ListenerCloseDeferral deferral = new ListenerCloseDeferral();
        int port = listen(socket -> {
            Channel channel = EchoChannels.channel(socket);
            channel.pipeline().addLast(ListenerCloseDeferral.NAME, deferral);
            channel.pipeline().addLast("test-tail-witness", new ChannelOutboundHandlerAdapter() {
                @Override
                public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                    closesSeenAtTheTail.add("close");
                    ctx.close(promise);
                }
            });
            accepted.add(channel);
        });
        try (Socket first = new Socket("127.0.0.1", port)) {
            Channel channel = accepted.poll(10, TimeUnit.SECONDS);
            deferral.drain();
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(closesSeenAtTheTail.poll(10, TimeUnit.SECONDS)).as("the server's close came from the tail").isNotNull();
            assertThat(channel.isActive()).as("held open by the draining deferral").isTrue();
            channel.pipeline().firstContext().close().sync();
            assertThat(first.getInputStream().read()).as("closed from the head: at once").isEqualTo(-1);
        }
    }

    /** Before the drain, a whole-channel close closes: nothing waits behind the deferral. */
    @Test
    void beforeTheDrainAWholeChannelCloseClosesAtOnce() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        ListenerCloseDeferral deferral = new ListenerCloseDeferral();
        int port = listen(socket -> {
            EchoChannels.channel(socket).pipeline().addLast(ListenerCloseDeferral.NAME, deferral);
            accepted.add(EchoChannels.channel(socket));
        });
        try (Socket client = new Socket("127.0.0.1", port)) {
            accepted.poll(10, TimeUnit.SECONDS).close().await(10, TimeUnit.SECONDS);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    /**
     * Assumption 4: with half-closure allowed, the client's FIN arrives as an event before Vert.x's handler, and the
     * connection can still send.
     */
    @Test
    void withHalfClosureAllowedTheClientsFinIsAnEventAndTheServerCanStillSend() throws Exception {
        int port = listen(socket -> {
            Channel channel = EchoChannels.allowHalfClosure(socket);
            EchoChannels.addBeforeVertx(channel, "test-half-close", new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                    if (event instanceof ChannelInputShutdownEvent) {
                        ByteBuf after = Unpooled.copiedBuffer("after-fin", StandardCharsets.US_ASCII);
                        ctx.writeAndFlush(after).addListener(written -> ((DuplexChannel) ctx.channel()).shutdownOutput());
                    }
                }
            });
        });
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = client.getOutputStream();
            out.write('x');
            client.shutdownOutput();
            InputStream in = client.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("after-fin");
        }
    }

    private int listen(Handler<NetSocket> accept) throws Exception {
        server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)).connectHandler(accept);
        NetServer bound = server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> bound.actualPort() > 0);
        return bound.actualPort();
    }
}
