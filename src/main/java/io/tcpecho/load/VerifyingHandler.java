package io.tcpecho.load;

import java.io.IOException;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.tcpecho.tls.TlsHalfClose;

/**
 * The load client's side of one connection: sends its stream of the {@link PayloadPattern}, verifies every
 * byte that comes back against the same stream, and turns anything an echo server must not do into a failure of the run: a byte that
 * differs, more bytes back than were sent, the server's EOF before everything was echoed, a reset, a close,
 * no progress for the stall timeout (which includes a missing EOF after the client's half-close).
 * <p>
 * All methods but {@link #checkStall} run on the connection's event loop.
 */
abstract class VerifyingHandler extends ChannelInboundHandlerAdapter {

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
            int n = in.readableBytes();
            if (received + n > sent) {
                fail("the server sent " + (received + n - sent) + " bytes more than the client had sent (" + sent + ")");
                return;
            }
            int bad = run.pattern.mismatch(in, start + received);
            if (bad >= 0) {
                long at = received + bad;
                fail(String.format("echoed byte %d differs: expected 0x%02x, got 0x%02x", at,
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

    @Override
    public final void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (TlsHalfClose.isEndOfInput(evt) && !eof && !finished) {
            eof = true;
            lastProgress = System.nanoTime();
            endOfStream();
        }
    }

    @Override
    public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Netty's decoders wrap what went wrong in TLS.
        Throwable failure = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String what = failure instanceof SSLException ? "TLS failed" : failure instanceof IOException ? "connection failed" : "client error";
        fail(what + " (" + LoadRun.describe(failure) + ") " + progress());
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        run.closed(this);
        fail("the server closed the connection " + progress());
    }

    /** Queues {@code length} more bytes of the stream (not flushed); returns the last write's future. */
    protected final ChannelFuture send(long length) {
        ChannelFuture last = null;
        while (length > 0) {
            int n = (int) Math.min(PayloadPattern.MAX_SLICE, length);
            last = channel.write(run.pattern.slice(start + sent, n));
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
        Runnable shut = () -> TlsHalfClose.shutdownOutput(channel).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                fail("half-close failed (" + LoadRun.describe(f.cause()) + ") " + progress());
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

    /** This connection did everything it should: closes it. */
    protected final ChannelFuture finish() {
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
                    long seconds = run.stallNanos / 1_000_000_000L;
                    fail(received < sent
                            ? "no echo for " + seconds + " s " + progress()
                            : "no EOF from the server " + seconds + " s after the client's half-close " + progress());
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
