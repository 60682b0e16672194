package io.tcpecho.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.tcpecho.config.Units;

/**
 * The command port's first stage: reads the connection's first line ({@code FAULT latency=200ms\r\n}, LF or CRLF, at
 * most {@value #MAX_LINE} bytes before the LF, within the command timeout), then leaves the pipeline, starting the echo
 * with the faults it selects and handing it every byte after the line. A line that is not a valid selection, too
 * long, late or cut short by the client's FIN is refused instead, and nothing after it is echoed.
 * <p>
 * Netty's {@link ByteToMessageDecoder} holds what arrived until the line is complete, and hands the echo what is left
 * after the line when the reader leaves, in the same event-loop turn. Its {@code LineBasedFrameDecoder} would do the
 * reading too, but it counts a CRLF line's length without the CR, where this reader's bound has always counted it.
 */
public final class FaultCommandReader extends ByteToMessageDecoder {

    static final int MAX_LINE = 1024;

    private final Duration timeout;
    private final Consumer<FaultSpec> start;
    private final Consumer<FaultSelection.Refused> refuse;
    private ScheduledFuture<?> timer;

    /**
     * @param start starts the echo with the line's faults (then the bytes after the line arrive)
     * @param refuse answers a refused line (the reader is out of the pipeline by then; nothing more reaches the echo)
     */
    public FaultCommandReader(Duration timeout, Consumer<FaultSpec> start, Consumer<FaultSelection.Refused> refuse) {
        this.timeout = timeout;
        this.start = start;
        this.refuse = refuse;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> refused(ctx, new FaultSelection.Refused("timeout",
                "no FAULT line within " + Units.formatDuration(timeout))), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int end = in.indexOf(in.readerIndex(), in.readerIndex() + Math.min(in.readableBytes(), MAX_LINE + 1), (byte) '\n');
        if (end < 0) {
            if (in.readableBytes() > MAX_LINE) {
                refused(ctx, new FaultSelection.Refused("too_long", "the FAULT line is longer than " + MAX_LINE + " bytes"));
            }
            return;
        }
        String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
        in.readerIndex(end + 1);
        FaultSpec faults;
        try {
            faults = FaultSelection.command(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        } catch (FaultSelection.Refused refused) {
            refused(ctx, refused);
            return;
        }
        // The echo joins the pipeline first, right after this reader: the decoder hands what is left after the line to
        // the handler after it as it leaves, once decode returns.
        start.accept(faults);
        ctx.pipeline().remove(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            refused(ctx, new FaultSelection.Refused("incomplete", "the connection ended before its FAULT line did"));
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** A reset or another failure before the line is done is the client's: counted, not passed on to be logged. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.isRemoved()) {
            ctx.fireExceptionCaught(cause); // the echo's, thrown as it started
            return;
        }
        refused(ctx, new FaultSelection.Refused("incomplete", "the connection failed before its FAULT line was done: "
                + cause.getMessage()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        refused(ctx, new FaultSelection.Refused("incomplete", "the connection closed before its FAULT line was done"));
        ctx.fireChannelInactive();
    }

    /** Leaves the pipeline with nothing passed on, then answers; once only, and not after the line was taken. */
    private void refused(ChannelHandlerContext ctx, FaultSelection.Refused refused) {
        if (ctx.isRemoved()) {
            return;
        }
        ByteBuf held = internalBuffer();
        held.skipBytes(held.readableBytes());
        ctx.pipeline().remove(this);
        refuse.accept(refused);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        timer.cancel(false);
    }
}
