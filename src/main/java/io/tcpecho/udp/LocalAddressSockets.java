package io.tcpecho.udp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.util.concurrent.Future;
import io.vertx.core.Vertx;

/**
 * The UDP echo's sockets beside the wildcard one (echo.host 0.0.0.0 or ::): one bound to each local address, so that
 * the reply to a datagram leaves from the address the datagram was sent to. A socket bound to the wildcard sends from
 * whichever address the kernel's routing prefers, and a connected UDP client (or conntrack on the way) drops a reply
 * from another address than the one it sent to: on a host with several addresses (127.0.0.2, a second interface, a
 * node's addresses under hostNetwork) only the primary one would be answered. Java cannot choose a datagram's source
 * address per send (IP_PKTINFO), so each address gets a socket of its own on the same port, which SO_REUSEPORT allows:
 * the kernel hands a datagram to the socket bound to its exact destination before the wildcard one.
 * <p>
 * Addresses are found two ways: the interfaces' addresses, at start-up and again when a datagram for an address without
 * a socket arrives (at most every {@link #RESCAN_INTERVAL_NANOS}); and on epoll the destination of each datagram that
 * reaches the wildcard socket (IP_RECVORIGDSTADDR), which finds the addresses no interface lists too, such as the rest of
 * 127.0.0.0/8. A datagram that reaches the wildcard socket gets its reply once its address's socket is bound. Everything
 * here runs on the UDP echo's event loop, but the interface scan.
 */
final class LocalAddressSockets {

    /** Addresses a host may have (a node's, with hostNetwork); beyond, replies leave from the wildcard socket. */
    static final int MAX_SOCKETS = 1024;
    private static final long RESCAN_INTERVAL_NANOS = 5_000_000_000L;
    private static final Logger LOG = Logger.getLogger(LocalAddressSockets.class);

    private final Vertx vertx;
    private final UdpMetrics metrics;
    private final Channel wildcard;
    private final Bootstrap perAddress;
    private final Map<InetAddress, ChannelFuture> sockets = new HashMap<>();
    private final AtomicBoolean warnedFull = new AtomicBoolean();
    private final AtomicBoolean warnedBind = new AtomicBoolean();
    /** Written on the event loop only. */
    private volatile int bound;
    private long scannedAt;
    private boolean scanning;

    /**
     * @param wildcard the bound wildcard socket
     * @param bootstrap what the wildcard socket was made with: the same handler and read buffers
     */
    private LocalAddressSockets(Vertx vertx, UdpMetrics metrics, Channel wildcard, Bootstrap bootstrap) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.wildcard = wildcard;
        this.perAddress = bootstrap.clone(wildcard.eventLoop()).option(reusePort(wildcard), true);
        if (wildcard instanceof EpollDatagramChannel) {
            // Each gets only datagrams for its own address: it needs no destination from the kernel.
            perAddress.option(EpollChannelOption.IP_RECVORIGDSTADDR, false);
        }
    }

    private static ChannelOption<Boolean> reusePort(Channel channel) {
        return channel instanceof EpollDatagramChannel ? EpollChannelOption.SO_REUSEPORT
                : NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);
    }

    /** Whether the UDP echo is bound to a wildcard address and so needs a socket per local address. */
    static boolean needed(InetAddress host) {
        return host.isAnyLocalAddress();
    }

    /** Asks the kernel for each datagram's destination, where the transport can: before the wildcard socket binds. */
    static void askForDestinations(Bootstrap bootstrap, boolean epoll) {
        if (epoll) {
            bootstrap.option(EpollChannelOption.IP_RECVORIGDSTADDR, true);
        }
    }

    /**
     * Lets the wildcard socket, bound without SO_REUSEPORT (so that a port another process holds fails start-up), share
     * its port with a socket per local address, and binds one for each address of the interfaces.
     */
    static LocalAddressSockets open(Vertx vertx, UdpMetrics metrics, Channel wildcard, Bootstrap bootstrap) {
        if (!wildcard.config().setOption(reusePort(wildcard), true)) {
            throw new IllegalStateException("SO_REUSEPORT is not supported here: UDP replies would leave from the wrong address");
        }
        LocalAddressSockets sockets = new LocalAddressSockets(vertx, metrics, wildcard, bootstrap);
        metrics.localAddressSockets(sockets);
        List<InetAddress> addresses = sockets.interfaceAddresses();
        wildcard.eventLoop().submit(() -> sockets.bindAll(addresses)).awaitUninterruptibly();
        return sockets;
    }

    boolean isWildcard(Channel channel) {
        return channel == wildcard;
    }

    /**
     * The socket to reply from to a datagram that reached the wildcard socket: the one of its destination (bound now
     * if it was not), or the wildcard one where there is none (the destination is unknown, no more sockets may be
     * opened, or the address cannot be bound). Completes on the event loop, in order for one destination.
     */
    Future<Channel> replyFrom(InetSocketAddress destination) {
        InetAddress address = destination.getAddress();
        if (address.isAnyLocalAddress()) {
            // No destination from the kernel (IPv6, or NIO): an address that has no socket yet, so look again.
            rescanSoon();
            return fromWildcard();
        }
        ChannelFuture socket = sockets.get(address);
        if (socket == null) {
            socket = bind(address);
        }
        if (socket == null || socket.isDone() && !socket.isSuccess()) {
            return fromWildcard(); // tried again at the next scan, not for every datagram
        }
        if (socket.isSuccess()) {
            return wildcard.eventLoop().newSucceededFuture(socket.channel());
        }
        var reply = wildcard.eventLoop().<Channel>newPromise();
        ChannelFuture binding = socket;
        binding.addListener(bound -> {
            if (bound.isSuccess()) {
                reply.setSuccess(binding.channel());
            } else {
                metrics.replyFromWildcard();
                reply.setSuccess(wildcard);
            }
        });
        return reply;
    }

    private Future<Channel> fromWildcard() {
        metrics.replyFromWildcard();
        return wildcard.eventLoop().newSucceededFuture(wildcard);
    }

    /** Binds a socket to each of {@code addresses} that has none, or whose bind failed before. */
    private void bindAll(List<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            ChannelFuture socket = sockets.get(address);
            if (socket == null || socket.isDone() && !socket.isSuccess()) {
                sockets.remove(address);
                bind(address);
            }
        }
    }

    /** Starts binding a socket to {@code address}; null when no more may be opened. */
    private ChannelFuture bind(InetAddress address) {
        if (sockets.size() >= MAX_SOCKETS) {
            if (warnedFull.compareAndSet(false, true)) {
                LOG.warnf("The UDP echo has sockets for %d local addresses, its maximum; replies to datagrams sent to further "
                        + "addresses leave from the address the kernel prefers (echo_udp_replies_from_wildcard_total)", MAX_SOCKETS);
            }
            return null;
        }
        ChannelFuture binding = perAddress.bind(new InetSocketAddress(address, port()));
        sockets.put(address, binding);
        binding.addListener(done -> {
            if (done.isSuccess()) {
                bound++;
                LOG.debugf("UDP echo: replies to datagrams for %s now leave from it", address.getHostAddress());
            } else if (warnedBind.compareAndSet(false, true)) {
                LOG.warnf("The UDP echo cannot bind %s:%d (%s); replies to datagrams sent to it leave from the address the "
                        + "kernel prefers. Further such addresses are only counted, in echo_udp_replies_from_wildcard_total",
                        address.getHostAddress(), port(), done.cause().getMessage());
            }
        });
        return binding;
    }

    private int port() {
        return ((InetSocketAddress) wildcard.localAddress()).getPort();
    }

    private void rescanSoon() {
        long now = System.nanoTime();
        if (scanning || now - scannedAt < RESCAN_INTERVAL_NANOS) {
            return;
        }
        scanning = true;
        scannedAt = now;
        vertx.executeBlocking(this::interfaceAddresses, false).onComplete(found -> wildcard.eventLoop().execute(() -> {
            scanning = false;
            if (found.succeeded()) {
                bindAll(found.result());
            }
        }));
    }

    /** The addresses of the interfaces that are up, of the wildcard's family (both for ::, IPv4 only for 0.0.0.0). */
    private List<InetAddress> interfaceAddresses() {
        boolean ipv4Only = ((InetSocketAddress) wildcard.localAddress()).getAddress() instanceof Inet4Address;
        try {
            return NetworkInterface.networkInterfaces().filter(LocalAddressSockets::isUp)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> !ipv4Only || address instanceof Inet4Address)
                    .toList();
        } catch (SocketException e) {
            LOG.debugf("UDP echo: cannot list the interfaces' addresses: %s", e);
            return List.of();
        }
    }

    private static boolean isUp(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    /** Sockets bound, one per local address; read by the gauge. */
    int bound() {
        return bound;
    }

    void close() {
        wildcard.eventLoop().submit(() -> {
            sockets.values().forEach(socket -> socket.channel().close());
            sockets.clear();
            bound = 0;
        }).awaitUninterruptibly();
    }
}
