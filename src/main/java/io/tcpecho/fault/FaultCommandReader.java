package io.tcpecho.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tcpecho.config.Units;

/**
 * The command port's first stage: reads the connection's first line ({@code FAULT latency=200ms\r\n}, LF or CRLF, at
 * most {@value #MAX_LINE} bytes, within the command timeout), then leaves the pipeline, starting the echo with the
 * faults it selects and handing it every byte after the line. A line that is not a valid selection, too long, late or
 * cut short by the client's FIN is refused instead, and nothing after it is echoed.
 */
public final class FaultCommandReader extends ChannelInboundHandlerAdapter {

    public static final String NAME = "echo-fault-command";
    static final int MAX_LINE = 1024;

    private final Duration timeout;
    private final Consumer<FaultSpec> start;
    private final Consumer<FaultSelection.Refused> refuse;
    private ByteBuf seen;
    private ScheduledFuture<?> timer;
    private boolean done;

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
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (done || !(message instanceof ByteBuf data)) {
            ReferenceCountUtil.release(message);
            return;
        }
        seen = seen == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), seen, data);
        int end = seen.indexOf(seen.readerIndex(), seen.readerIndex() + Math.min(seen.readableBytes(), MAX_LINE + 1), (byte) '\n');
        if (end < 0) {
            if (seen.readableBytes() > MAX_LINE) {
                refused(ctx, new FaultSelection.Refused("too_long", "the FAULT line is longer than " + MAX_LINE + " bytes"));
            }
            return;
        }
        String line = seen.toString(seen.readerIndex(), end - seen.readerIndex(), StandardCharsets.ISO_8859_1);
        seen.readerIndex(end + 1);
        FaultSpec faults;
        try {
            faults = FaultSelection.command(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        } catch (FaultSelection.Refused refused) {
            refused(ctx, refused);
            return;
        }
        finish();
        ByteBuf rest = seen;
        seen = null;
        start.accept(faults); // first: the echo joins the pipeline after this reader, which hands it the rest as it leaves
        ctx.pipeline().remove(this);
        if (rest.isReadable()) {
            ctx.fireChannelRead(rest);
            ctx.fireChannelReadComplete();
        } else {
            rest.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent && !done) {
            refused(ctx, new FaultSelection.Refused("incomplete", "the connection ended before its FAULT line did"));
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    /** A reset or another failure before the line is done is the client's: counted, not passed on to be logged. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            refused(ctx, new FaultSelection.Refused("incomplete", "the connection failed before its FAULT line was done: "
                    + cause.getMessage()));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            refused(ctx, new FaultSelection.Refused("incomplete", "the connection closed before its FAULT line was done"));
        }
        ctx.fireChannelInactive();
    }

    private void refused(ChannelHandlerContext ctx, FaultSelection.Refused refused) {
        if (done) {
            return;
        }
        finish();
        if (ctx.pipeline().context(this) != null) {
            ctx.pipeline().remove(this);
        }
        refuse.accept(refused);
    }

    private void finish() {
        done = true;
        timer.cancel(false);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (seen != null) {
            seen.release();
            seen = null;
        }
    }
}
