package io.tcpecho.fault;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The timing faults' stage in the connection's pipeline, between the echo and the socket (above TLS, so that a TLS
 * connection's plain bytes are what is delayed): holds each chunk of echo until the faults let it leave, in order, with
 * one timer per connection on its event loop. A held chunk's write completes only when it leaves, so it counts against
 * the memory budget as queued echo does; and against the connection's write queue too, through a writability bit of
 * the channel, so that a client that sends faster than the faults let the echo out is paused like any other.
 * <p>
 * It reads the time from a clock of its own ({@code System::nanoTime} on a connection), so that a test can move the
 * time in step with its channel's scheduler and see the millisecond at which each piece leaves.
 */
public final class DelayStage extends ChannelOutboundHandlerAdapter {

    private static final int WRITABILITY_BIT = 1;
    private static final ClosedChannelException CLOSED = new ClosedChannelException();

    private final List<Fault> timing;
    private final ConnectionFaults faults;
    /** Nanoseconds, of an arbitrary origin as {@link System#nanoTime()}'s: only differences count. */
    private final LongSupplier clock;
    private final ArrayDeque<Piece> held = new ArrayDeque<>();
    private long heldMemory;
    /** Before the first piece, nothing to wait for: the clock's origin is arbitrary, and nanoTime may be negative. */
    private long lastNotBefore = Long.MIN_VALUE;
    private ScheduledFuture<?> timer;

    DelayStage(List<Fault> timing, ConnectionFaults faults, LongSupplier clock) {
        this.timing = timing;
        this.faults = faults;
        this.clock = clock;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (!(message instanceof ByteBuf data)) {
            ctx.write(message, promise);
            return;
        }
        long now = clock.getAsLong();
        List<Piece> pieces = new ArrayList<>(2);
        pieces.add(new Piece(data, now, promise, data.capacity()));
        if (data.isReadable()) {
            for (Fault fault : timing) {
                fault.schedule(pieces, now);
            }
        } // else an empty write (the echo's flush before its FIN, Vert.x's before a close) only keeps its place in line
        // after what is held: delaying it too would put the close a latency after the FIN.
        long delayed = 0;
        for (Piece piece : pieces) {
            piece.notBefore = Math.max(piece.notBefore, lastNotBefore);
            lastNotBefore = piece.notBefore;
            delayed += piece.notBefore > now ? piece.bytes() : 0;
            heldMemory += piece.memory;
            held.add(piece);
        }
        if (delayed > 0) {
            faults.delayed(delayed);
        }
        release(ctx);
    }

    /** The echo's flushes wait with what they would flush: each piece is flushed as it leaves. */
    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (held.isEmpty()) {
            ctx.flush();
        }
    }

    /** Writes every piece that may leave now, then sets the timer for the next one. */
    private void release(ChannelHandlerContext ctx) {
        long now = clock.getAsLong();
        boolean wrote = false;
        while (!held.isEmpty() && held.peek().notBefore - now <= 0) {
            Piece piece = held.poll();
            heldMemory -= piece.memory;
            ctx.write(piece.data, piece.promise != null ? piece.promise : ctx.newPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        writability(ctx);
        if (!held.isEmpty() && timer == null) {
            timer = ctx.executor().schedule(() -> {
                timer = null;
                release(ctx);
            }, held.peek().notBefore - now, TimeUnit.NANOSECONDS);
        }
    }

    /** Held echo over the write queue's high-water mark pauses reading, as queued echo does; under the low one, not. */
    private void writability(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        if (buffer == null) {
            return; // closed
        }
        if (heldMemory > ctx.channel().config().getWriteBufferHighWaterMark()) {
            buffer.setUserDefinedWritability(WRITABILITY_BIT, false);
        } else if (heldMemory < ctx.channel().config().getWriteBufferLowWaterMark()) {
            buffer.setUserDefinedWritability(WRITABILITY_BIT, true);
        }
    }

    /** Closed (or taken out): what is held is dropped, and its writes fail, so that the echo counts it as dropped. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        for (Piece piece; (piece = held.poll()) != null; ) {
            piece.data.release();
            if (piece.promise != null) {
                piece.promise.tryFailure(CLOSED);
            }
        }
        heldMemory = 0;
    }
}
