package io.tcpecho.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.tcpecho.fault.ConnectionFaults;
import io.tcpecho.fault.DelayStage;
import io.tcpecho.fault.FaultTarget;
import io.tcpecho.memory.BudgetedReadSizes;
import io.tcpecho.memory.BufferMemoryEstimator;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.tls.TlsHalfClose;
import io.tcpecho.tls.TlsListener;
import io.tcpecho.tls.TlsSession;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;

/**
 * One client connection: echoes what it reads, stops reading while its writes are queued or while the memory
 * budget says so, and on the client's half-close sends the rest, then its own FIN (after TLS's close_notify on a TLS
 * connection), then closes.
 * <p>
 * Every method runs on the connection's event loop except {@link #abortFromAnyThread} and
 * {@link #memoryFreed}, so its state needs no synchronization. Buffers are the pooled ones Netty read into:
 * each is written back as it is and released by Netty once written, with no copy. Each write reports its
 * end, so that what the connection holds ({@link #queued}) and what was sent or dropped are exact.
 */
final class EchoConnection implements MemoryBudget.Waiter, FaultTarget {

    private static final Logger LOG = Logger.getLogger(EchoConnection.class);

    private final NetSocketInternal socket;
    private final Channel channel;
    private final ClientOrigin origin;
    private final Optional<TlsSession> tls;
    private final ConnectionServices services;
    private final ConnectionRegistry.Pool pool;
    /** The fault scenario of its listener or of its own selection (null on the plain ports), and its faults if chosen. */
    private final String scenario;
    private final ConnectionFaults faults;
    private final long openedAt = System.nanoTime();
    private CloseReason reason;
    /**
     * Memory this connection holds: the capacity of the buffers read and queued back but not written yet. A
     * buffer pins its whole capacity whatever it holds, so this, not the byte count, is what the budget counts.
     */
    private long queued;
    /** For the access log: bytes read from the client, and bytes of echo the socket took. */
    private long received;
    private long sent;
    /** Not read because of the memory budget (and registered with it for {@link #memoryFreed}). */
    private boolean pausedForMemory;
    /** Accepted while overloaded: not read until the overload ends. */
    private boolean acceptedOverloaded;

    /** The client's FIN or TLS close_notify arrived: the input has ended, and the connection is finishing. */
    private boolean inputEnded;
    /** A fault ends the output early (truncate), resets the connection once its echo is out, or stopped reading (stall). */
    private boolean outputShut;
    private boolean resetPending;
    private boolean stopped;

    /**
     * How long a client may go on after the server ended its output on its own (a fault's FIN) before the connection is
     * closed: a client that never sends its FIN must not hold it open for ever.
     */
    static final long LINGER_AFTER_SERVER_FIN_MILLIS = 2_000;

    EchoConnection(NetSocket socket, ClientOrigin origin, Optional<TlsSession> tls, ConnectionServices services,
            ConnectionRegistry.Pool pool, String scenario, ConnectionFaults faults) {
        this.socket = EchoChannels.internal(socket);
        this.channel = EchoChannels.channel(socket); // prepared by ProxyProtocolReader.identify
        this.origin = origin;
        this.tls = tls;
        this.services = services;
        this.pool = pool;
        this.scenario = scenario;
        this.faults = faults;
    }

    /**
     * Starts the echo. The connection may have been held before (see {@link HeldConnection}) and may even be
     * closed already: it is counted as opened and closed all the same, exactly once.
     */
    void start() {
        services.metrics().opened();
        CloseReason refused = services.registry().admit(this, pool, clientAddress());
        // The channel's own close future, unlike Vert.x's close handler, also reports a close that came first.
        channel.closeFuture().addListener(closed -> closedSoon());
        if (refused != null) {
            abort(refused);
            return;
        }
        MemoryBudget budget = services.budget();
        channel.config().setRecvByteBufAllocator(
                new BudgetedReadSizes(channel.config().getRecvByteBufAllocator(), budget, () -> queued));
        channel.config().setMessageSizeEstimator(BufferMemoryEstimator.INSTANCE);
        socket.setWriteQueueMaxSize((int) services.config().writeQueueHighWaterMark()); // at most 64 MiB: checked at start-up
        socket.exceptionHandler(this::failed);
        socket.eventHandler(this::userEvent);
        socket.drainHandler(v -> readIfAllowed());
        socket.messageHandler(this::echo);
        if (!services.config().idleTimeout().isZero()) {
            EchoChannels.addBeforeVertx(channel, IdleTimeoutHandler.NAME,
                    new IdleTimeoutHandler(services.config().idleTimeout(), this));
        }
        if (!budget.admitsNewConnections()) {
            acceptedOverloaded = true;
            services.metrics().acceptDelayed();
        }
        if (faults != null && !faults.start(this, stage -> EchoChannels.addBeforeVertx(channel, DelayStage.NAME, stage))) {
            return; // refused or stalled: no echo
        }
        readIfAllowed();
    }

    /** The client's address: the one its PROXY protocol header named, if it had one. */
    InetAddress clientAddress() {
        // A connection reset while held (dev mode) may have no remote address left.
        return origin.client() == null ? null : origin.client().getAddress();
    }

    private void echo(Object message) {
        ByteBuf data = (ByteBuf) message;
        received += data.readableBytes();
        services.metrics().received(data.readableBytes());
        if (faults != null && (data = faults.outgoing(data)) == null) {
            return; // a fault dropped it all, and counted it
        }
        int bytes = data.readableBytes();
        int memory = data.capacity();
        queued += memory;
        services.budget().hold(memory);
        EchoChannels.write(socket, data, channel.newPromise().addListener(new Written(bytes, memory)));
        if (socket.writeQueueFull() || !services.budget().mayRead(queued)) {
            if (!channel.config().isAutoRead() && queued > services.budget().allowance()
                    && services.budget().directMemoryCritical()) {
                // Read although paused: the epoll transport reads a half-closed connection to its end. With the
                // direct memory nearly gone, this connection growing further would fail allocations of others.
                abort(CloseReason.SHED);
                return;
            }
            readIfAllowed();
        }
    }

    /**
     * Reads on if the write queue is under its bound and the budget allows what this connection holds;
     * otherwise pauses. The drain handler calls it again for the queue; for the budget, the end of each write
     * and {@link #memoryFreed} do.
     */
    private void readIfAllowed() {
        if (!channel.isActive() || stopped) {
            return;
        }
        if (socket.writeQueueFull()) {
            channel.config().setAutoRead(false);
            return;
        }
        if (!memoryAllowsReading()) {
            channel.config().setAutoRead(false);
            if (pausedForMemory) {
                return;
            }
            pausedForMemory = true;
            if (!acceptedOverloaded) {
                services.metrics().pausedForMemory();
            }
            services.budget().await(this);
            if (!memoryAllowsReading()) {
                return; // registered first, then checked again: memory freed in between is not missed
            }
        }
        stopWaitingForMemory();
        acceptedOverloaded = false;
        channel.config().setAutoRead(true);
    }

    private boolean memoryAllowsReading() {
        return acceptedOverloaded ? services.budget().admitsNewConnections() : services.budget().mayRead(queued);
    }

    private void stopWaitingForMemory() {
        if (pausedForMemory) {
            pausedForMemory = false;
            services.budget().stopWaiting(this);
        }
    }

    @Override
    public void memoryFreed() {
        channel.eventLoop().execute(this::readIfAllowed);
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
                sent += bytes;
                services.metrics().sent(bytes);
            } else {
                services.metrics().dropped(bytes);
            }
            if (pausedForMemory && write.isSuccess()) {
                readIfAllowed();
            }
        }
    }

    private void userEvent(Object event) {
        // A stalled connection hears its client's FIN too (the epoll transport reports it while reading is paused): the
        // stall then lets the connection go instead of holding it half-closed for ever.
        if (TlsHalfClose.isEndOfInput(event) && !inputEnded) {
            inputEnded = true;
            if (faults == null || !faults.clientEnded()) {
                finishAfterClientEof();
            }
        }
    }

    /**
     * The client ended its write side: everything it sent has been read and queued. Wait until the queue
     * is written, then send TLS's close_notify if the connection is TLS, then FIN, then close, as
     * {@code shutdown(SHUT_WR); close()} would.
     */
    private void finishAfterClientEof() {
        if (resetPending) {
            return; // a fault resets the connection once its echo is out
        }
        if (outputShut) {
            socket.close(); // a fault sent the FIN already: nothing more may be written
            return;
        }
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
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
        TlsHalfClose.shutdownOutput(channel).addListener((ChannelFuture shut) -> {
            if (shut.isSuccess() && reason == null) {
                reason = CloseReason.COMPLETED;
            }
            socket.close();
        });
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public void reset() {
        if (channel.isActive()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            abort(CloseReason.FAULT);
        }
    }

    @Override
    public void close() {
        abort(CloseReason.FAULT);
    }

    /** Decided now, done after the chunk being echoed is written: the rest of this event-loop task writes it. */
    @Override
    public void finishOutput() {
        outputShut = true;
        reason = CloseReason.FAULT;
        afterThisChunk(() -> TlsHalfClose.shutdownOutput(channel).addListener(shut -> channel.eventLoop().schedule(
                () -> abort(CloseReason.FAULT), LINGER_AFTER_SERVER_FIN_MILLIS, TimeUnit.MILLISECONDS)));
    }

    @Override
    public void resetAfterOutput() {
        resetPending = true;
        afterThisChunk(() -> UnackedBytes.whenAcknowledged(channel, this::reset));
    }

    private void afterThisChunk(Runnable then) {
        channel.eventLoop().execute(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (flushed.isSuccess()) {
                then.run();
            }
        }));
    }

    @Override
    public void dropped(int bytes) {
        services.metrics().dropped(bytes);
    }

    @Override
    public void stopReading() {
        stopped = true;
        channel.config().setAutoRead(false);
        socket.messageHandler(ReferenceCountUtil::release);
    }

    /** Closes at once, dropping anything still queued. */
    void abort(CloseReason why) {
        if (reason == null) {
            reason = why;
        }
        // Start at the head of the pipeline: Vert.x's own close would first wait for the queue to drain.
        channel.pipeline().firstContext().close();
    }

    void abortFromAnyThread(CloseReason why) {
        channel.eventLoop().execute(() -> abort(why));
    }

    private void failed(Throwable failure) {
        if (tls.isPresent() && TlsListener.isTlsFailure(failure)) {
            // The client broke TLS (a renegotiation, a corrupt record): its fault, counted and logged once per reason.
            services.tls().handshakeFailed(failure);
            if (reason == null) {
                reason = CloseReason.PROTOCOL_ERROR;
            }
        } else if (failure instanceof IOException) {
            // Resets and broken pipes are the client's business: count them, no stack trace.
            LOG.debugf("Connection from %s failed: %s", origin, failure);
            if (reason == null) {
                reason = CloseReason.RESET;
            }
        } else {
            LOG.warnf("Connection from %s failed and is closed: %s", origin, failure);
            if (reason == null) {
                reason = CloseReason.ERROR;
            }
        }
    }

    /**
     * Accounts for the close one task later: a failure that closed the channel (TLS's alert on a refused renegotiation)
     * reaches {@link #failed} only after the close, and names the reason.
     */
    private void closedSoon() {
        try {
            channel.eventLoop().execute(this::closed);
        } catch (RejectedExecutionException stopping) {
            closed();
        }
    }

    private void closed() {
        stopWaitingForMemory();
        services.registry().remove(this);
        CloseReason why = reason == null ? CloseReason.RESET : reason;
        long open = System.nanoTime() - openedAt;
        services.metrics().closed(why, open);
        services.accessLog().ifPresent(log -> log.closed(origin, tls, received, sent, open, why, scenario, faults));
    }
}
