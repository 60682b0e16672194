package io.tcpecho.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;

/**
 * Sends each datagram back to its sender, the same buffer without a copy, unless the {@link UdpGuard} says no or
 * the socket's send queue is full (a UDP echo never queues: a datagram that cannot go now is dropped and counted).
 * One handler serves every socket of the UDP echo, all on one event loop: the wildcard one and, beside it, the
 * {@link LocalAddressSockets}, from which replies to what reached the wildcard one leave.
 */
@ChannelHandler.Sharable
final class UdpEchoHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = Logger.getLogger(UdpEchoHandler.class);
    private static final int SMALL = 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private final UdpGuard guard;
    private final UdpMetrics metrics;
    private volatile LocalAddressSockets localSockets;

    UdpEchoHandler(UdpGuard guard, UdpMetrics metrics) {
        super(false);
        this.guard = guard;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        int bytes = packet.content().readableBytes();
        metrics.received(bytes);
        UdpDrop drop = guard.check(packet.sender(), System.nanoTime());
        if (drop != null) {
            metrics.dropped(drop);
            packet.release();
            return;
        }
        DatagramPacket reply = new DatagramPacket(rightSized(ctx, packet.content()), packet.sender());
        LocalAddressSockets sockets = localSockets;
        if (sockets != null && sockets.isWildcard(ctx.channel())) {
            // Sent to an address that has no socket of its own yet: the reply must leave from that address.
            sockets.replyFrom(packet.recipient()).addListener(from -> send((Channel) from.getNow(), reply, bytes, true));
        } else {
            send(ctx.channel(), reply, bytes, false);
        }
    }

    /** @param flush whether to flush now, or at the end of the read (replies from the socket that read) */
    private void send(Channel from, DatagramPacket reply, int bytes, boolean flush) {
        if (!from.isWritable()) {
            metrics.dropped(UdpDrop.SEND_QUEUE_FULL);
            reply.release();
            return;
        }
        if (bytes == 0) {
            sendEmpty(from, reply.recipient());
            reply.release();
            return;
        }
        ChannelFutureListener echoed = written -> {
            if (written.isSuccess()) {
                metrics.echoed(bytes);
            }
        };
        (flush ? from.writeAndFlush(reply) : from.write(reply)).addListener(echoed);
    }

    /**
     * RFC 862 answers every datagram, an empty one with an empty one; Netty's datagram channels silently skip
     * zero-length writes, so on epoll the empty reply goes out by sendto(2) on the channel's own socket (a
     * non-blocking call, on its event loop). NIO's channel hides its socket: there, an empty datagram gets no reply.
     */
    private void sendEmpty(Channel from, InetSocketAddress to) {
        if (!(from instanceof UnixChannel unix && unix.fd() instanceof Socket socket)) {
            metrics.dropped(UdpDrop.EMPTY_ON_NIO);
            return;
        }
        try {
            socket.sendTo(EMPTY, 0, 0, to.getAddress(), to.getPort());
            metrics.echoed(0);
        } catch (IOException e) {
            LOG.debugf("UDP echo: the empty reply to %s failed: %s", to, e);
        }
    }

    /** From now on, replies to datagrams that reached the wildcard socket leave from their destination address. */
    void replyFromDestinations(LocalAddressSockets sockets) {
        this.localSockets = sockets;
    }

    /**
     * Each read fills a buffer big enough for the largest datagram; a small datagram is copied out of it, so that
     * what waits in the send queue (bounded by its readable bytes) pins no more memory than it carries.
     */
    private static ByteBuf rightSized(ChannelHandlerContext ctx, ByteBuf content) {
        int bytes = content.readableBytes();
        if (content.capacity() <= 4 * Math.max(bytes, SMALL)) {
            return content;
        }
        try {
            return ctx.alloc().buffer(bytes).writeBytes(content);
        } finally {
            content.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /** One sender's trouble (an ICMP error, say) is not the listener's: it stays open for everyone else. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debugf("UDP echo: %s", cause);
    }
}
