package io.tcpecho.udp;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Sends each datagram back to its sender, the same buffer without a copy, unless the {@link UdpGuard} says no or
 * the socket's send queue is full (a UDP echo never queues: a datagram that cannot go now is dropped and counted).
 */
final class UdpEchoHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = Logger.getLogger(UdpEchoHandler.class);
    private static final int SMALL = 1024;

    private final UdpGuard guard;
    private final UdpMetrics metrics;

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
        if (drop == null && !ctx.channel().isWritable()) {
            drop = UdpDrop.SEND_QUEUE_FULL;
        }
        if (drop != null) {
            metrics.dropped(drop);
            packet.release();
            return;
        }
        ctx.write(new DatagramPacket(rightSized(ctx, packet.content()), packet.sender())).addListener(written -> {
            if (written.isSuccess()) {
                metrics.echoed(bytes);
            }
        });
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
