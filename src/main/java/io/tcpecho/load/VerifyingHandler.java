package io.tcpecho.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ByteProcessor;
import io.tcpecho.fault.FaultRefusals;
import io.tcpecho.load.Observed.Kind;
import io.tcpecho.tls.TlsHalfClose;

/**
 * The load client's side of one connection: sends its stream of the {@link PayloadPattern}, verifies every
 * byte that comes back against the same stream, and turns anything an echo server must not do into a failure of the
 * run, reported with the byte and the time it happened at ({@link Observed}): a byte that differs, more bytes back than
 * were sent, the server's EOF before everything was echoed, a reset, no progress for the stall timeout (which includes
 * a missing EOF after the client's half-close), the server's refusal of a fault selection instead of the echo. With
 * {@code --expect}, the fault expected ends the connection as success instead, and a connection that does not meet it
 * fails the run.
 * <p>
 * All methods but {@link #checkStall} run on the connection's event loop.
 */
abstract class VerifyingHandler extends ChannelInboundHandlerAdapter {

    private static final ByteBuf ERROR_LINE = Unpooled.unreleasableBuffer(
            Unpooled.copiedBuffer(FaultRefusals.ERROR_LINE_PREFIX, StandardCharsets.US_ASCII).asReadOnly());

    /** tcp_states.h: what a connection is in once a reset ended it. */
    private static final int TCP_CLOSE = 7;

    protected final LoadRun run;
    protected final long id;
    private final long start;
    protected Channel channel;
    protected long sent;
    protected long received;
    protected boolean outputShut;
    protected boolean eof;
    protected boolean finished;
    /** False while the workload does not want its echo yet (a flood that holds its input): no stall is reported. */
    protected boolean expectingEcho = true;
    private long lastProgress = System.nanoTime();
    private long connectedAt;
    /**
     * Why a write failed, if one did: the kernel reports a reset once, to whichever call meets it first, and when that
     * is a write the read that follows sees a plain EOF.
     */
    private Throwable writeFailure;
    private final ChannelFutureListener writeOutcome = written -> {
        if (!written.isSuccess() && writeFailure == null) {
            writeFailure = written.cause();
        }
    };
    private long halfClosedAt;
    private long eofAt;

    VerifyingHandler(LoadRun run, long id) {
        this.run = run;
        this.id = id;
        this.start = run.pattern.startOf(id);
    }

    /** The connection is established. */
    protected abstract void active();

    /** Bytes arrived and were verified; {@link #received} includes them. */
    protected abstract void receivedData();

    /** The server ended its side. */
    protected abstract void endOfStream();

    @Override
    public final void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        lastProgress = System.nanoTime();
        connectedAt = lastProgress;
        run.opened(this);
        active();
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (finished) {
                return;
            }
            String refusal = received == 0 ? selectionRefusal(in) : null;
            if (refusal != null) {
                observed(Kind.SELECTION_REFUSED, 0, refusal);
                return;
            }
            int n = in.readableBytes();
            if (received + n > sent) {
                observed(Kind.TOO_MUCH, received, String.valueOf(received + n - sent));
                return;
            }
            int bad = run.pattern.mismatch(in, start + received);
            if (bad >= 0) {
                long at = received + bad;
                observed(Kind.CORRUPTED, at, String.format("expected 0x%02x, got 0x%02x",
                        run.pattern.expected(start + at) & 0xff, in.getByte(in.readerIndex() + bad) & 0xff));
                return;
            }
            received += n;
            run.bytesReceived.add(n);
            lastProgress = System.nanoTime();
            receivedData();
        } finally {
            in.release();
        }
    }

    /**
     * The server's {@code FAULT ERROR <reason>: <what>} line, without its line end, if {@code in} begins with one; else
     * null. The server writes the line at once, before any echo, so the first read holds its beginning; it is checked
     * before the pattern, as the line is no corrupted echo and may be longer than what the client has sent.
     */
    private static String selectionRefusal(ByteBuf in) {
        int from = in.readerIndex();
        int length = ERROR_LINE.readableBytes();
        if (in.readableBytes() < length || !ByteBufUtil.equals(in, from, ERROR_LINE, 0, length)) {
            return null;
        }
        int end = in.forEachByte(from, in.readableBytes(), ByteProcessor.FIND_CRLF);
        return in.toString(from, (end < 0 ? in.writerIndex() : end) - from, StandardCharsets.US_ASCII);
    }

    @Override
    public final void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (TlsHalfClose.isEndOfInput(evt) && !eof && !finished) {
            eof = true;
            lastProgress = System.nanoTime();
            eofAt = lastProgress;
            endOfStream();
        }
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Netty's decoders wrap what went wrong in TLS.
        Throwable failure = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        Kind kind = failure instanceof SSLException ? Kind.TLS : failure instanceof IOException ? Kind.RESET : Kind.ERROR;
        observed(kind, received, LoadRun.describe(failure));
    }

    /**
     * Closed before this connection was done: after the server's EOF, that EOF came early; without one, the connection
     * broke, a reset that failed a write (whose error Netty reports by closing the channel, not as an exception).
     */
    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        run.closed(this);
        if (eof) {
            earlyEof();
        } else {
            observed(Kind.RESET, received, "closed without the server's FIN");
        }
    }

    /** The server reset the connection as it accepted it, before the client saw it established. */
    final void resetBeforeConnected(String detail) {
        observed(Kind.RESET, 0, detail);
    }

    /**
     * The server ended its side before the whole echo came back: with a FIN, or with a reset that a write met first or
     * that the read took for an end. Before the client's own FIN, the TCP state tells them apart: CLOSE after a reset,
     * CLOSE_WAIT after a FIN (after both FINs, the kernel leaves the socket in CLOSE too, so it tells nothing then).
     */
    protected final void earlyEof() {
        if (writeFailure != null) {
            observed(Kind.RESET, received, "a write failed: " + LoadRun.describe(writeFailure));
        } else if (!outputShut && channel instanceof EpollSocketChannel epoll && epoll.isOpen()
                && epoll.tcpInfo().state() == TCP_CLOSE) {
            observed(Kind.RESET, received, "the connection is in TCP state CLOSE");
        } else {
            observed(Kind.EOF, received, null);
        }
    }

    /**
     * What the server did to this connection: the end of it, as expected with {@code --expect}, else the run's failure,
     * reported with where and when.
     */
    protected final void observed(Kind kind, long atByte, String detail) {
        if (finished) {
            return;
        }
        Observed seen = new Observed(kind, atByte, sent, millisSince(connectedAt), outputShut, detail);
        FaultExpectation expected = run.expectation;
        if (expected != null && expected.matches(seen)) {
            finished = true;
            run.asExpected.increment();
            run.connectionsDone.increment();
            if (channel != null) {
                channel.close();
            }
            endedAsExpected();
            return;
        }
        fail(seen.describe() + (expected == null ? "" : "; expected " + expected.describe()));
    }

    /** The connection met the expected fault and is closed: the workload goes on as after a complete connection. */
    protected void endedAsExpected() {
    }

    private static long millisSince(long nanos) {
        return nanos == 0 ? 0 : (System.nanoTime() - nanos) / 1_000_000;
    }

    /** Queues {@code length} more bytes of the stream (not flushed); returns the last write's future. */
    protected final ChannelFuture send(long length) {
        ChannelFuture last = null;
        while (length > 0) {
            int n = (int) Math.min(PayloadPattern.MAX_SLICE, length);
            last = channel.write(run.pattern.slice(start + sent, n)).addListener(writeOutcome);
            sent += n;
            length -= n;
            run.bytesSent.add(n);
        }
        lastProgress = System.nanoTime();
        return last;
    }

    /** Sends FIN (after TLS's close_notify, on TLS) once {@code written} (every byte queued) is written. */
    protected final void shutdownOutputAfter(ChannelFuture written) {
        if (outputShut) {
            return;
        }
        outputShut = true;
        lastProgress = System.nanoTime();
        halfClosedAt = lastProgress;
        Runnable shut = () -> TlsHalfClose.shutdownOutput(channel).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                // The connection is gone (reset) before the FIN could go.
                observed(Kind.RESET, received, "half-close failed: " + LoadRun.describe(f.cause()));
            }
        });
        if (written == null || written.isDone()) {
            if (written != null && !written.isSuccess()) {
                return; // the failed write's listener or exceptionCaught reports it
            }
            shut.run();
        } else {
            written.addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    shut.run();
                }
            });
        }
    }

    /** This connection did everything it should: closes it (a failure when a fault was expected instead). */
    protected final ChannelFuture finish() {
        FaultExpectation expected = run.expectation;
        if (expected != null && !expected.completedAsExpected((eofAt - halfClosedAt) / 1_000_000)) {
            fail("the echo completed " + progress() + "; expected " + expected.describe());
            return channel.close();
        }
        finished = true;
        run.connectionsDone.increment();
        return channel.close();
    }

    protected final void fail(String reason) {
        if (finished) {
            return;
        }
        finished = true;
        run.fail("connection " + id + ": " + reason);
        if (channel != null) {
            channel.close();
        }
    }

    protected final String progress() {
        return "after " + received + " of " + sent + " sent bytes were echoed"
                + (outputShut ? " (client had half-closed" + (eof ? ", server had sent EOF)" : ")") : "");
    }

    /** Called by the watchdog thread: fails the connection if it waits for the server for too long. */
    final void checkStall(long now) {
        if (waiting() && now - lastProgress > run.stallNanos) {
            channel.eventLoop().execute(() -> {
                if (waiting() && System.nanoTime() - lastProgress > run.stallNanos) {
                    observed(Kind.STALLED, received, run.stallNanos / 1_000_000_000L + " s");
                }
            });
        }
    }

    private boolean waiting() {
        return !finished && expectingEcho && (received < sent || (outputShut && !eof));
    }

    /** Starts expecting the echo now: the stall timeout counts from here. */
    protected final void expectEcho() {
        expectingEcho = true;
        lastProgress = System.nanoTime();
    }
}
