package io.tcpecho.load;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.tcpecho.load.Observed.Kind;
import io.tcpecho.tls.TlsHalfClose;

/**
 * The load client's side of one connection: sends its stream of the {@link PayloadPattern} when its
 * {@link ConnectionScript} asks, verifies every byte that comes back against the same stream ({@link EchoStream}),
 * and turns anything an echo server must not do into a failure of the run, reported with the byte and the time it
 * happened at ({@link Observed}): a byte that differs, more bytes back than were sent, the server's EOF before
 * everything was echoed, a reset, no progress for the stall timeout (which includes a missing EOF after the client's
 * half-close), the server's refusal of a fault selection instead of the echo. With {@code --expect}, the fault
 * expected ends the connection as success instead, and a connection that does not meet it fails the run. A script that
 * counts how connections end ({@link ConnectionScript#ended}) takes the ending instead, and the run goes on.
 * <p>
 * The script reads where the connection stands ({@link #sent()}, {@link #received()}, {@link #hasEof()} ...) and
 * drives it only through {@link #send}, {@link #flush}, {@link #halfClose}, {@link #finish} and the like. All methods
 * but {@link #checkStall}, {@link #execute} and {@link #schedule} run on the connection's event loop.
 */
final class Connection extends ChannelInboundHandlerAdapter {

    /** tcp_states.h: what a connection is in once a reset ended it. */
    private static final int TCP_CLOSE = 7;

    /** Where the connection is: running until it ends, one of three ways; once ended, nothing changes it. */
    private enum Phase {
        RUNNING,
        /** Its script finished it with the whole echo back. */
        COMPLETE,
        /** It met the expected fault (--expect). */
        MET_EXPECTATION,
        /** It failed the run. */
        FAILED,
        /** Its script recorded how the server ended it ({@link ConnectionScript#ended}), and the run goes on. */
        ENDED
    }

    private final LoadRun run;
    private final long id;
    private final ConnectionScript script;
    private final EchoStream stream;
    private Channel channel;
    private Phase phase = Phase.RUNNING;
    /** The client has asked for its FIN, which goes once everything queued before it is written. */
    private boolean halfClosed;
    /** The server has ended its side. */
    private boolean eof;
    /** False while the script holds the echo back (a flood that does not read): no stall is reported. */
    private boolean expectingEcho = true;
    /** The script waits for the server's line before the echo: its absence is a stall. */
    private boolean awaitingGreeting;
    private ChannelFuture lastWrite;
    private long lastProgress = System.nanoTime();
    /**
     * When the client began to connect (the connection is made just before): no later than the server's accept, so
     * an ending the server times from its accept (a stall's timeout, a reset's delay) is never seen early by this
     * clock, as it may be from the client's own channelActive, which its event loop can run a little after the accept.
     */
    private final long connectStartedAt = System.nanoTime();
    private long halfClosedAt;
    private long eofAt;
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

    Connection(LoadRun run, long id, ConnectionScript script) {
        this.run = run;
        this.id = id;
        this.script = script;
        this.stream = new EchoStream(run.pattern, id);
    }

    /** The bytes of the stream queued so far. */
    long sent() {
        return stream.sent();
    }

    /** The echoed bytes verified so far. */
    long received() {
        return stream.received();
    }

    /** Whether the client has half-closed (its FIN may still wait for the bytes queued before it). */
    boolean hasHalfClosed() {
        return halfClosed;
    }

    /** Whether the server has ended its side. */
    boolean hasEof() {
        return eof;
    }

    /** Whether the connection has ended: complete, as expected, or failed. */
    boolean isOver() {
        return phase != Phase.RUNNING;
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** Runs {@code task} on the connection's event loop: how a workload's own thread acts on it. */
    void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    /** Runs {@code task} on the connection's event loop after {@code delayNanos}. */
    void schedule(Runnable task, long delayNanos) {
        channel.eventLoop().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Waits for the server to speak first: one line ({@link GreetingLineReader} in front of the connection), which
     * goes to {@link ConnectionScript#greeted}; none within the stall timeout is a stall.
     */
    void awaitGreeting() {
        awaitingGreeting = true;
        lastProgress = System.nanoTime();
    }

    /** Queues {@code length} more bytes of the stream, not flushed. */
    void send(long length) {
        while (length > 0) {
            int n = (int) Math.min(PayloadPattern.MAX_SLICE, length);
            lastWrite = channel.write(stream.next(n)).addListener(writeOutcome);
            length -= n;
            run.bytesSent.add(n);
        }
        lastProgress = System.nanoTime();
    }

    void flush() {
        channel.flush();
    }

    /**
     * Sends FIN (after TLS's close_notify, on TLS) once every byte queued so far is written; nothing if a write failed,
     * as that failure is reported already.
     */
    void halfClose() {
        if (halfClosed) {
            return;
        }
        halfClosed = true;
        lastProgress = System.nanoTime();
        halfClosedAt = lastProgress;
        ChannelFuture written = lastWrite;
        if (written == null || written.isDone()) {
            if (written == null || written.isSuccess()) {
                shutdownOutput();
            }
        } else {
            written.addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    shutdownOutput();
                }
            });
        }
    }

    private void shutdownOutput() {
        TlsHalfClose.shutdownOutput(channel).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                // The connection is gone (reset) before the FIN could go.
                observed(Kind.RESET, received(), "half-close failed: " + LoadRun.describe(f.cause()));
            }
        });
    }

    /** Stops reading: the echo waits in the server, and no stall is reported until {@link #expectEcho()}. */
    void holdEcho() {
        expectingEcho = false;
        channel.config().setAutoRead(false);
    }

    /** Reads again and expects the echo: the stall timeout counts from here. */
    void expectEcho() {
        expectingEcho = true;
        lastProgress = System.nanoTime();
        channel.config().setAutoRead(true);
    }

    /** This connection did everything it should: closes it (a failure when a fault was expected instead). */
    void finish() {
        FaultExpectation expected = run.expectation;
        if (expected != null && !expected.completedAsExpected((eofAt - halfClosedAt) / 1_000_000)) {
            fail("the echo completed " + progress() + "; expected " + expected.describe());
            return;
        }
        phase = Phase.COMPLETE;
        run.connectionsDone.increment();
        channel.close();
    }

    /** Runs {@code task} once the connection is closed, or now if it never was established. */
    void whenClosed(Runnable task) {
        if (channel == null) {
            task.run();
        } else {
            channel.closeFuture().addListener(closed -> task.run());
        }
    }

    /**
     * The server ended its side before the whole echo came back: with a FIN, or with a reset that a write met first or
     * that the read took for an end. Before the client's own FIN, the TCP state tells them apart: CLOSE after a reset,
     * CLOSE_WAIT after a FIN (after both FINs, the kernel leaves the socket in CLOSE too, so it tells nothing then).
     */
    void serverEndedEarly() {
        if (writeFailure != null) {
            observed(Kind.RESET, received(), "a write failed: " + LoadRun.describe(writeFailure));
        } else if (!halfClosed && channel instanceof EpollSocketChannel epoll && epoll.isOpen()
                && epoll.tcpInfo().state() == TCP_CLOSE) {
            observed(Kind.RESET, received(), "the connection is in TCP state CLOSE");
        } else {
            observed(Kind.EOF, received(), null);
        }
    }

    /**
     * The segments the kernel has retransmitted on this connection (TCP_INFO's {@code tcpi_total_retrans}, SYNs
     * included); -1 where the client cannot tell: a transport other than epoll, or a socket closed already, whose
     * TCP_INFO is gone with it.
     */
    long totalRetransmits() {
        if (!(channel instanceof EpollSocketChannel epoll) || !epoll.isOpen()) {
            return -1;
        }
        try {
            return epoll.tcpInfo().totalRetrans();
        } catch (ChannelException e) {
            return -1;
        }
    }

    /** The server reset the connection as it accepted it, before the client saw it established. */
    void resetBeforeConnected(String detail) {
        observed(Kind.RESET, 0, detail);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        lastProgress = System.nanoTime();
        run.opened(this);
        script.active(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (isOver()) {
                return;
            }
            int n = in.readableBytes();
            EchoStream.Deviation wrong = stream.verify(in);
            if (wrong != null) {
                observed(wrong.kind(), wrong.atByte(), wrong.detail());
                return;
            }
            run.bytesReceived.add(n);
            lastProgress = System.nanoTime();
            script.echoed(this);
        } finally {
            in.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof GreetingLine greeting && awaitingGreeting && !isOver()) {
            awaitingGreeting = false;
            lastProgress = System.nanoTime();
            script.greeted(this, greeting.text());
            return;
        }
        if (TlsHalfClose.isEndOfInput(evt) && !eof && !isOver()) {
            eof = true;
            lastProgress = System.nanoTime();
            eofAt = lastProgress;
            script.serverEnded(this);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            script.writable(this);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Netty's decoders wrap what went wrong in TLS.
        Throwable failure = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        Kind kind = failure instanceof SSLException ? Kind.TLS : failure instanceof IOException ? Kind.RESET : Kind.ERROR;
        observed(kind, received(), LoadRun.describe(failure));
    }

    /**
     * Closed before this connection was done: after the server's EOF, that EOF came early; without one, the connection
     * broke, a reset that failed a write (whose error Netty reports by closing the channel, not as an exception).
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        run.closed(this);
        if (eof) {
            serverEndedEarly();
        } else {
            observed(Kind.RESET, received(), "closed without the server's FIN");
        }
    }

    /**
     * What the server did to this connection: the end of it, as expected with {@code --expect}, else the run's failure,
     * reported with where and when.
     */
    private void observed(Kind kind, long atByte, String detail) {
        if (isOver()) {
            return;
        }
        Observed seen = new Observed(kind, atByte, sent(), millisSince(connectStartedAt), halfClosed, detail);
        FaultExpectation expected = run.expectation;
        if (expected != null && expected.matches(seen)) {
            phase = Phase.MET_EXPECTATION;
            run.asExpected.increment();
            run.connectionsDone.increment();
            if (channel != null) {
                channel.close();
            }
            script.endedAsExpected(this);
            return;
        }
        if (expected == null && script.ended(this, seen)) {
            phase = Phase.ENDED;
            if (channel != null) {
                channel.close();
            }
            return;
        }
        fail(seen.describe() + (expected == null ? "" : "; expected " + expected.describe()));
    }

    private static long millisSince(long nanos) {
        return nanos == 0 ? 0 : (System.nanoTime() - nanos) / 1_000_000;
    }

    private void fail(String reason) {
        if (isOver()) {
            return;
        }
        phase = Phase.FAILED;
        run.fail("connection " + id + ": " + reason);
        if (channel != null) {
            channel.close();
        }
    }

    private String progress() {
        return "after " + received() + " of " + sent() + " sent bytes were echoed"
                + (halfClosed ? " (client had half-closed" + (eof ? ", server had sent EOF)" : ")") : "");
    }

    /** Called by the watchdog thread: fails the connection if it waits for the server for too long. */
    void checkStall(long now) {
        if (waiting() && now - lastProgress > run.stallNanos) {
            execute(() -> {
                if (waiting() && System.nanoTime() - lastProgress > run.stallNanos) {
                    observed(Kind.STALLED, received(), run.stallNanos / 1_000_000_000L + " s");
                }
            });
        }
    }

    private boolean waiting() {
        return !isOver() && (awaitingGreeting || expectingEcho && (received() < sent() || (halfClosed && !eof)));
    }
}
