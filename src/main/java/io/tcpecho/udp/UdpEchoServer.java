package io.tcpecho.udp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.echo.DataPlane;
import io.tcpecho.echo.EventLoops;
import io.tcpecho.echo.ListenFailure;
import io.vertx.core.Vertx;

/**
 * The UDP echo listener (echo.udp.port): one datagram channel on one of Vert.x's event loops, made with Netty
 * directly because Vert.x's datagram socket reads into buffers sized by SO_RCVBUF and copies each packet. Each
 * read takes a buffer of {@link #MAX_DATAGRAM} bytes from the pool, so the largest datagram IPv4 carries
 * (65,507 bytes) arrives whole; it is sent back as it is and released when written.
 */
@Singleton
public class UdpEchoServer {

    /** The largest UDP payload over IPv4 (65,535 - 20 - 8), rounded up to the buffer Netty reads into. */
    static final int MAX_DATAGRAM = 65_536;
    private static final Logger LOG = Logger.getLogger(UdpEchoServer.class);
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final EchoConfig config;
    private final UdpMetrics metrics;
    private volatile Channel channel;
    private volatile LocalAddressSockets localSockets;

    UdpEchoServer(@DataPlane Vertx vertx, EchoConfig config, UdpMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
    }

    /** After the echo listener, whose start validates the configuration. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent startup) throws InterruptedException {
        if (config.udp().port().isEmpty()) {
            return;
        }
        int port = config.udp().port().getAsInt();
        EventLoopGroup group = EventLoops.group(vertx);
        boolean epoll = group instanceof EpollEventLoopGroup;
        UdpGuard guard = new UdpGuard(config.udp().ratePerSource(), config.udp().rateGlobal(), System.nanoTime());
        UdpEchoHandler handler = new UdpEchoHandler(guard, metrics);
        Bootstrap bootstrap = new Bootstrap()
                .group(group.next())
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(handler);
        InetSocketAddress address = new InetSocketAddress(config.host(), port);
        boolean wildcard = LocalAddressSockets.needed(address.getAddress());
        if (wildcard) {
            LocalAddressSockets.askForDestinations(bootstrap, epoll);
        }
        ChannelFuture bound = bootstrap.bind(address);
        if (!bound.await(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || !bound.isSuccess()) {
            throw ListenFailure.of(config.host() + ":" + port + "/udp", "echo.udp.port",
                    bound.cause() == null ? new TimeoutException("no bind within " + BIND_TIMEOUT) : bound.cause());
        }
        channel = bound.channel();
        if (wildcard) {
            localSockets = LocalAddressSockets.open(vertx, metrics, channel, bootstrap);
            handler.replyFromDestinations(localSockets);
        }
        LOG.infof("UDP echo listening on %s:%d (%s), %d datagrams/s per source, %d in all%s", config.host(), port(),
                epoll ? "epoll" : "nio", config.udp().ratePerSource(), config.udp().rateGlobal(), wildcard
                        ? ", replies from the address each datagram was sent to (a socket for each of %d local addresses so far)"
                                .formatted(localSockets.bound())
                        : "");
    }

    /** The bound port; 0 when the listener is off. */
    public int port() {
        Channel bound = channel;
        return bound == null ? 0 : ((InetSocketAddress) bound.localAddress()).getPort();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        Channel bound = channel;
        if (bound != null) {
            channel = null;
            bound.close().awaitUninterruptibly(BIND_TIMEOUT.toMillis());
            if (localSockets != null) {
                localSockets.close();
                localSockets = null;
            }
        }
    }
}
