package io.tcpecho.echo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.ReferenceCountUtil;
import io.tcpecho.config.DrainTimeoutEnd;
import io.tcpecho.fault.ConnectionFaults;
import io.tcpecho.fault.FaultTarget;
import io.tcpecho.memory.BudgetedReadSizes;
import io.tcpecho.memory.BufferMemoryEstimator;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.tls.TlsHalfClose;
import io.tcpecho.tls.TlsSession;
import io.tcpecho.whoami.WhoamiReplies;

/**
 * The echo of one connection, the last of its pipeline's stages ({@link ConnectionPipeline#ECHO}): writes back each
 * buffer it reads, pauses reading while its echo is queued ({@link ReadThrottle}), and on the client's half-close sends
 * the rest, then its own FIN (after TLS's close_notify on a TLS connection), then closes, as the classic
 * {@code read until EOF; shutdown(SHUT_WR); close()} does. Faults ({@link ConnectionFaults}) act on it through
 * {@link FaultTarget}.
 * <p>
 * A connection is two streams, each with its own state: what the client sends ({@link Input}) and what the server sends
 * ({@link Output}). Every method runs on the connection's event loop but {@link #abortFromAnyThread}. Buffers are the
 * pooled ones Netty read into: each is written back as it is, with no copy, and each write reports its end, so that
 * what the connection holds ({@link #queued}) and what was sent or dropped ({@link ConnectionAccount}) are exact.
 * <p>
 * Every close starts at this handler or at the pipeline's head, never at its tail, and so never waits behind Vert.x's
 * handler or the listener's close deferral: a connection the server ends, ends now.
 */
final class EchoHandler extends ChannelInboundHandlerAdapter implements FaultTarget {

    /**
     * How long a client may go on after the server ended its output on its own (a fault's FIN) before the connection is
     * closed: a client that never sends its FIN must not hold it open for ever.
     */
    static final long LINGER_AFTER_SERVER_FIN_MILLIS = 2_000;

    /** What the client sends. */
    enum Input {
        /** Read and echoed, as fast as the echo leaves. */
        OPEN,
        /** A fault stopped reading for good (a stall): what was read is dropped, nothing is echoed. */
        STOPPED,
        /** The client's FIN or TLS close_notify came: everything it sent has been read. */
        ENDED
    }

    /** What the server sends. */
    enum Output {
        /** The echo. */
        OPEN,
        /** The client's input ended: what is queued goes out, then the server's FIN. */
        FINISHING,
        /** A fault, or the drain at its timeout, ends the output: the server's FIN once the echo so far is out. */
        ENDING,
        /** A fault resets the connection once its echo is out and acknowledged. */
        RESETTING,
        /** The server's FIN is sent or on its way (after the client's, a fault's end, a drain's): nothing more may be written. */
        SHUT
    }

    private final ClientOrigin origin;
    private final ConnectionServices services;
    private final ConnectionRegistry.Pool pool;
    /** Its faults, if its listener or its own selection chose some (null on the plain ports). */
    private final ConnectionFaults faults;
    /** The identity listener's: the whoami line goes out before the echo. */
    private final Optional<WhoamiReplies> identity;
    private final ConnectionAccount account;
    private ChannelHandlerContext ctx;
    private Channel channel;
    private ReadThrottle throttle;
    /** Its event loop's progress, which liveness reads to tell a loop busy with many connections from a blocked one. */
    private EventLoopProgress.Counter progress = EventLoopProgress.Counter.NONE;
    private Input input = Input.OPEN;
    private Output output = Output.OPEN;
    /**
     * Memory this connection holds: the capacity of the buffers read and queued back but not written yet. A buffer pins
     * its whole capacity whatever it holds, so this, not the byte count, is what the budget counts.
     */
    private long queued;
    /** When the last bytes were read (System.nanoTime), for the drain's quiet close. */
    private long lastRead = System.nanoTime();
    /** Whether a drain reached this connection: it is then counted by how it ended. */
    private boolean draining;

    EchoHandler(ClientOrigin origin, Optional<TlsSession> tls, ConnectionServices services, ConnectionRegistry.Pool pool,
            String scenario, ConnectionFaults faults, Optional<WhoamiReplies> identity) {
        this.origin = origin;
        this.services = services;
        this.pool = pool;
        this.faults = faults;
        this.identity = identity;
        this.account = new ConnectionAccount(origin, tls, services, scenario, faults);
    }

    /**
     * Starts the echo. The connection may have been held before (see {@link HeldConnection}) and may even be closed
     * already: it is counted as opened and closed all the same, exactly once.
     */
    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        channel = context.channel();
        services.metrics().opened();
        CloseReason refused = services.registry().admit(this, pool, clientAddress());
        // The channel's own close future also reports a close that came first.
        channel.closeFuture().addListener(closed -> closedSoon());
        throttle = new ReadThrottle(channel, services.budget(), services.metrics(), () -> queued, this::readIfAllowed);
        progress = services.progress().counterOf(channel.eventLoop());
        if (refused != null) {
            abort(refused);
            return;
        }
        throttle.admitted();
        channel.config().setRecvByteBufAllocator(
                new BudgetedReadSizes(channel.config().getRecvByteBufAllocator(), services.budget(), () -> queued));
        channel.config().setMessageSizeEstimator(BufferMemoryEstimator.INSTANCE);
        int mark = (int) services.config().writeQueueHighWaterMark(); // at most 64 MiB: checked at start-up
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(mark / 2, mark));
        if (!services.config().idleTimeout().isZero()) {
            ConnectionPipeline.IDLE_TIMEOUT.add(channel, new IdleTimeoutHandler(services.config().idleTimeout(), this));
        }
        identity.ifPresent(this::sendWhoamiLine);
        if (services.registry().draining()) {
            drain(); // admitted while the drain began: it missed this connection
        }
        if (faults != null && !faults.start(this, stage -> ConnectionPipeline.FAULT_DELAY.add(channel, stage))) {
            return; // refused or stalled: no echo
        }
        readIfAllowed();
    }

    /**
     * Sends the identity listener's line, once the connection is admitted and before any echo: it is not echo, so neither
     * the echo's byte counts nor the memory budget count it.
     */
    private void sendWhoamiLine(WhoamiReplies replies) {
        String line = replies.line((InetSocketAddress) channel.localAddress(), origin);
        ctx.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8));
    }

    /** The client's address: the one its PROXY protocol header named, if it had one. */
    InetAddress clientAddress() {
        // A connection reset while held (dev mode) may have no remote address left.
        return origin.client() == null ? null : origin.client().getAddress();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (input == Input.STOPPED || !(message instanceof ByteBuf)) {
            ReferenceCountUtil.release(message);
            return;
        }
        ByteBuf data = (ByteBuf) message;
        lastRead = System.nanoTime();
        account.received(data.readableBytes());
        if (faults != null && (data = faults.outgoing(data)) == null) {
            return; // a fault dropped it all, and counted it
        }
        int bytes = data.readableBytes();
        int memory = data.capacity();
        queued += memory;
        services.budget().hold(memory);
        context.write(data, context.newPromise().addListener(new Written(bytes, memory)));
        if (throttle.overMemoryBound()) {
            if (throttle.mustShed()) {
                abort(CloseReason.SHED);
                return;
            }
            readIfAllowed();
        }
    }

    /**
     * The echo of a read batch goes out at its end, in one flush, as Vert.x's own writes did; what the socket did not
     * take then decides whether the connection reads on.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        progress.advance();
        context.flush();
        if (!channel.isWritable()) {
            readIfAllowed();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (channel.isWritable()) {
            readIfAllowed();
        }
    }

    private void readIfAllowed() {
        if (channel.isActive() && input == Input.OPEN) {
            throttle.readIfAllowed();
        }
    }

    /** The end of one write: the bytes are sent, or dropped because the connection closed first. */
    private final class Written implements ChannelFutureListener {
        private final int bytes;
        private final int memory;

        Written(int bytes, int memory) {
            this.bytes = bytes;
            this.memory = memory;
        }

        @Override
        public void operationComplete(ChannelFuture write) {
            queued -= memory;
            services.budget().release(memory);
            if (write.isSuccess()) {
                progress.advance();
                account.sent(bytes);
                if (throttle.waitingForMemory()) {
                    readIfAllowed();
                }
            } else {
                account.dropped(bytes);
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        // A stalled connection hears its client's FIN too (the epoll transport reports it while reading is paused): the
        // stall then lets the connection go instead of holding it half-closed for ever.
        if (TlsHalfClose.isEndOfInput(event) && input != Input.ENDED) {
            input = Input.ENDED;
            if (faults == null || !faults.clientEnded()) {
                finishAfterClientEof();
            }
        }
    }

    /**
     * The client ended its output: everything it sent has been read and queued. Waits until the queue is written, then
     * sends TLS's close_notify if the connection is TLS, then FIN, then closes.
     */
    private void finishAfterClientEof() {
        if (output == Output.RESETTING) {
            return; // a fault resets the connection once its echo is out
        }
        if (output == Output.ENDING) {
            return; // a fault's FIN goes once the echo before it is out, and closes then (finishOutput)
        }
        if (output == Output.SHUT) {
            ctx.close(); // a fault sent the FIN already, after all of its echo
            return;
        }
        output = Output.FINISHING;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (!flushed.isSuccess()) {
                return; // the channel is closing already; closed() counts it as a reset
            }
            if (faults != null) {
                faults.beforeFin(this::sendFinThenClose);
            } else {
                sendFinThenClose();
            }
        });
    }

    private void sendFinThenClose() {
        output = Output.SHUT;
        if (!TlsHalfClose.isTls(channel)) {
            // The client ended its output and all of it was read, so the close leaves nothing unread that would turn
            // it into a reset: the kernel sends the echo's tail, then the FIN, as shutdown(SHUT_WR) would, without
            // that call and the exception Netty makes for every output shutdown (bench/NOTES.md, section 12).
            account.endsAsIfUndecided(CloseReason.COMPLETED);
            ctx.close();
            return;
        }
        TlsHalfClose.shutdownOutput(channel).addListener((ChannelFuture shut) -> {
            if (shut.isSuccess()) {
                account.endsAsIfUndecided(CloseReason.COMPLETED);
            }
            ctx.close();
        });
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public void reset() {
        resetNow(CloseReason.FAULT);
    }

    private void resetNow(CloseReason why) {
        if (channel.isActive()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            abort(why);
        }
    }

    @Override
    public void close() {
        abort(CloseReason.FAULT);
    }

    /** Decided now, done after the chunk being echoed is written: the rest of this event-loop task writes it. */
    @Override
    public void finishOutput() {
        endOutputAfterEcho(CloseReason.FAULT);
    }

    /**
     * Ends the output once the echo queued so far is written: then the server's FIN, then the close when the client's FIN
     * comes or {@value #LINGER_AFTER_SERVER_FIN_MILLIS} ms later. What is read meanwhile is dropped.
     */
    private void endOutputAfterEcho(CloseReason why) {
        output = Output.ENDING;
        account.endsAs(why);
        afterThisChunk(() -> sendFinThenLinger(why));
        closeIfStuckFrom(outputPosition(), why);
    }

    private void sendFinThenLinger(CloseReason why) {
        output = Output.SHUT;
        TlsHalfClose.shutdownOutput(channel).addListener(shut -> {
            if (input == Input.ENDED) {
                ctx.close(); // the client's FIN came while the echo before this one went out
            } else {
                channel.eventLoop().schedule(() -> abort(why), LINGER_AFTER_SERVER_FIN_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void resetAfterOutput() {
        output = Output.RESETTING;
        afterThisChunk(() -> UnackedBytes.whenAcknowledged(channel, this::reset));
        closeIfStuckFrom(outputPosition(), CloseReason.FAULT);
    }

    /**
     * While the server's end of the output waits for the echo before it to be written (a fault's, the drain's after its
     * timeout, or the client's FIN then): closes the connection if the socket took none of it for
     * {@value #LINGER_AFTER_SERVER_FIN_MILLIS} ms although some waits in its queue, so that a client that stopped reading
     * cannot hold a connection the server decided to end. Echo that a timing fault holds on purpose (a latency of
     * minutes) is not in the socket's queue yet, and does not count as stuck.
     */
    private void closeIfStuckFrom(long positionBefore, CloseReason why) {
        channel.eventLoop().schedule(() -> {
            if (!channel.isActive() || output == Output.OPEN || output == Output.SHUT) {
                return;
            }
            ChannelOutboundBuffer waiting = channel.unsafe().outboundBuffer();
            if (outputPosition() == positionBefore && waiting != null && waiting.totalPendingWriteBytes() > 0) {
                abort(why);
            } else {
                closeIfStuckFrom(outputPosition(), why);
            }
        }, LINGER_AFTER_SERVER_FIN_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A graceful drain began (see io.tcpecho.shutdown.DrainCoordinator): the connection is counted by how it ends, and
     * with echo.drain-quiet-close, ended by the server's FIN at its first quiet moment. Once per connection, whoever
     * calls first: the drain, or the connection's own admission during it.
     */
    void drain() {
        if (draining) {
            return;
        }
        draining = true;
        long quiet = services.config().drainQuietClose().toNanos();
        if (quiet > 0) {
            endWhenQuiet(quiet);
        }
    }

    void drainFromAnyThread() {
        channel.eventLoop().execute(this::drain);
    }

    /**
     * Sends the server's FIN between two messages: once the echo is all written and nothing was read for {@code quiet}
     * nanoseconds. A connection whose output is already ending (the client's FIN, a fault), or whose input a fault
     * stopped, is left to that.
     */
    private void endWhenQuiet(long quiet) {
        if (!channel.isActive() || input != Input.OPEN || output != Output.OPEN) {
            return;
        }
        long quietFor = System.nanoTime() - lastRead;
        if (quietFor >= quiet && echoWritten()) {
            account.endsAs(CloseReason.QUIET_CLOSE);
            sendFinThenLinger(CloseReason.QUIET_CLOSE);
            return;
        }
        // Quiet long enough but echo still waits for the client to read it: look again a quiet period later.
        long wait = quietFor >= quiet ? quiet : quiet - quietFor;
        channel.eventLoop().schedule(() -> endWhenQuiet(quiet), wait, TimeUnit.NANOSECONDS);
    }

    /** Whether everything read has been echoed to the socket: nothing queued here nor in Netty's buffer. */
    private boolean echoWritten() {
        ChannelOutboundBuffer waiting = channel.unsafe().outboundBuffer();
        return queued == 0 && (waiting == null || waiting.totalPendingWriteBytes() == 0);
    }

    /**
     * The drain ran out of time with this connection open: ends it as echo.drain-on-timeout says, with the FIN after the
     * echo read so far, or a reset.
     */
    void endAtDrainTimeout(DrainTimeoutEnd how) {
        if (how == DrainTimeoutEnd.RESET) {
            resetNow(CloseReason.SHUTDOWN);
            return;
        }
        switch (output) {
            case OPEN -> endOutputAfterEcho(CloseReason.SHUTDOWN);
            // The client's FIN came: its echo and the server's FIN are on their way, unless the client stopped reading.
            case FINISHING -> closeIfStuckFrom(outputPosition(), CloseReason.SHUTDOWN);
            // A fault or the quiet close is ending it already, and bounds how long that takes.
            case ENDING, RESETTING, SHUT -> {
            }
        }
    }

    void endAtDrainTimeoutFromAnyThread(DrainTimeoutEnd how) {
        channel.eventLoop().execute(() -> endAtDrainTimeout(how));
    }

    /** How far the socket took the echo: grows with every byte it takes, a part of a buffer too. */
    private long outputPosition() {
        ChannelOutboundBuffer waiting = channel.unsafe().outboundBuffer();
        Object head = waiting == null ? null : waiting.current();
        return account.sent() + (head instanceof ByteBuf partlyWritten ? partlyWritten.readerIndex() : 0);
    }

    private void afterThisChunk(Runnable then) {
        channel.eventLoop().execute(() -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (flushed.isSuccess()) {
                then.run();
            }
        }));
    }

    @Override
    public void dropped(int bytes) {
        account.dropped(bytes);
    }

    @Override
    public void stopReading() {
        input = Input.STOPPED;
        throttle.stop();
    }

    /**
     * Closes at once, dropping anything still queued: from the pipeline's head, so that TLS adds no close_notify (a reset
     * must reach the client as one).
     */
    void abort(CloseReason why) {
        account.endsAsIfUndecided(why);
        EchoChannels.closeNow(channel);
    }

    void abortFromAnyThread(CloseReason why) {
        channel.eventLoop().execute(() -> abort(why));
    }

    /** A failure of this connection is its own: counted by kind, never passed on (Vert.x would log each). */
    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable failure) {
        account.failed(failure);
        context.close();
    }

    /**
     * Accounts for the close one task later: a failure that closed the channel (TLS's alert on a refused renegotiation)
     * reaches {@link #exceptionCaught} only after the close, and names the reason.
     */
    private void closedSoon() {
        try {
            channel.eventLoop().execute(this::closed);
        } catch (RejectedExecutionException stopping) {
            closed();
        }
    }

    private void closed() {
        throttle.stopWaiting();
        if (draining) {
            // Before it leaves the registry, which tells the drain that every connection ended.
            services.metrics().countEndedInDrain(DrainWay.of(account.finalReason()));
        }
        services.registry().remove(this);
        account.closed();
    }
}
