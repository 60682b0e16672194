package io.tcpecho.load;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The shared state of one load run: the client's event loops, the byte pattern, the counters and latency
 * recorder, the open connections (watched for stalls) and the first failure, which ends the run.
 */
final class LoadRun implements AutoCloseable {

    final PayloadPattern pattern;
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder connectionsDone = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LatencyRecorder latency = new LatencyRecorder();
    /** {@link #latency} cut into intervals, from which the workload takes its measured latencies. */
    final LatencyIntervals latencies = new LatencyIntervals(latency);
    /** When the run started, on the wall clock and on {@link System#nanoTime()}'s. */
    final Instant startedAt = Instant.now();
    private final long startedNanos = System.nanoTime();
    final long stallNanos;
    /** The fault every connection must meet (--expect), or null; {@link #asExpected} counts those that did. */
    final FaultExpectation expectation;
    final LongAdder asExpected = new LongAdder();

    private final InetSocketAddress target;
    private final ClientTls tls;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final CountDownLatch failed = new CountDownLatch(1);
    private final Thread watchdog;
    private volatile boolean closing;

    LoadRun(InetSocketAddress target, int threads, long seed, long stallNanos, ClientTls tls, FaultExpectation expectation) {
        this.target = target;
        this.expectation = expectation;
        this.tls = tls;
        this.pattern = new PayloadPattern(seed);
        this.stallNanos = stallNanos;
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup(threads);
            channelType = EpollSocketChannel.class;
        } else {
            group = new NioEventLoopGroup(threads);
            channelType = NioSocketChannel.class;
        }
        watchdog = new Thread(this::watch, "load-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    String transport() {
        return channelType == EpollSocketChannel.class ? "epoll" : "nio";
    }

    /** Whether the kernel's TCP_INFO of its connections can be read: on epoll only. */
    boolean readsTcpInfo() {
        return channelType == EpollSocketChannel.class;
    }

    /** The client's socket: its SO_SNDBUF (0: the kernel's), and how much it queues before it stops taking writes. */
    record SocketSettings(int sendBufferBytes, WriteBufferWaterMark writeQueue) {
        static final SocketSettings DEFAULT = new SocketSettings(0, new WriteBufferWaterMark(128 * 1024, 512 * 1024));
    }

    /** Opens connection {@code id}, which {@code script} drives; failures to connect fail the run. */
    ChannelFuture connect(long id, ConnectionScript script) {
        return connect(id, script, SocketSettings.DEFAULT);
    }

    /**
     * As {@link #connect(long, ConnectionScript)}, on a socket set so, with {@code before} between TLS and the
     * connection (new handlers for this connection alone): a {@link GreetingLineReader} for a server that speaks first.
     */
    ChannelFuture connect(long id, ConnectionScript script, SocketSettings socket, ChannelHandler... before) {
        Connection connection = new Connection(this, id, script);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // A failed write must not close the channel before what the server sent first is read: a reset at
                // byte N is then seen at byte N, by the read that meets it.
                .option(ChannelOption.AUTO_CLOSE, false)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, stallNanos / 1_000_000))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, socket.writeQueue())
                .handler(tls.enabled() || before.length > 0 ? inFront(connection, before) : connection);
        if (socket.sendBufferBytes() > 0) {
            bootstrap.option(ChannelOption.SO_SNDBUF, socket.sendBufferBytes());
        }
        ChannelFuture connected = bootstrap.connect(target);
        connected.addListener((ChannelFuture f) -> {
            if (!f.isSuccess() && !closing && !script.failedToConnect(f.cause())) {
                if (refusedAtAccept(f.cause())) {
                    connection.resetBeforeConnected(describe(f.cause()));
                } else {
                    fail("cannot connect to " + LoadOptions.text(target) + ": " + describe(f.cause()));
                }
            }
        });
        return connected;
    }

    /**
     * TLS, if the run has it, then {@code before}, in front of {@code connection}: it sees plain bytes, and close_notify
     * as the server's end of stream.
     */
    private ChannelHandler inFront(Connection connection, ChannelHandler... before) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                if (tls.enabled()) {
                    channel.pipeline().addLast(tls.newHandler(channel.alloc(), target));
                }
                channel.pipeline().addLast(before).addLast(connection);
            }
        };
    }

    /**
     * A server that accepts and resets at once can reset the connection before the client sees it established: that
     * is a reset of the connection (what --expect refuse looks for), not a failure to connect.
     */
    private static boolean refusedAtAccept(Throwable cause) {
        return cause != null && String.valueOf(cause.getMessage()).contains("Connection reset by peer");
    }

    void opened(Connection connection) {
        open.add(connection);
    }

    void closed(Connection connection) {
        open.remove(connection);
    }

    int openConnections() {
        return open.size();
    }

    /** Records the run's failure; the first one is the run's reason, all are counted. */
    void fail(String reason) {
        errors.increment();
        if (failure.compareAndSet(null, reason)) {
            failed.countDown();
        }
    }

    String failure() {
        return failure.get();
    }

    boolean hasFailed() {
        return failure.get() != null;
    }

    /**
     * Waits for {@code latch}, or until the run fails, or until {@code timeoutNanos} pass (0: no limit).
     *
     * @return whether the latch opened
     */
    boolean await(CountDownLatch latch, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!hasFailed()) {
            if (latch.await(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (timeoutNanos > 0 && System.nanoTime() - deadline > 0) {
                return false;
            }
        }
        return false;
    }

    /** Sleeps, waking early if the run fails. */
    void sleep(long nanos) throws InterruptedException {
        failed.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** The wall-clock time of {@code nanoTime}, a reading of {@link System#nanoTime()} during the run. */
    Instant instantOf(long nanoTime) {
        return startedAt.plusNanos(nanoTime - startedNanos);
    }

    /** What a measured window of a run saw, from its start ({@link System#nanoTime()}) to its end. */
    record Window(long beginNanos, long elapsedNanos, long messages, long connections, long bytesEchoed,
            Histogram latencies) {
    }

    /**
     * Lets {@code warmupNanos} pass unmeasured, then measures the next {@code durationNanos} (or until the run fails).
     * A workload that records latencies before calling it tells {@link LatencyIntervals#warmingUp()} first.
     */
    Window measure(long warmupNanos, long durationNanos) throws InterruptedException {
        sleep(warmupNanos);
        latencies.warmupOver();
        long messagesBefore = messages.sum();
        long connectionsBefore = connectionsDone.sum();
        long bytesBefore = bytesReceived.sum();
        long begin = System.nanoTime();
        sleep(durationNanos);
        return new Window(begin, System.nanoTime() - begin, messages.sum() - messagesBefore,
                connectionsDone.sum() - connectionsBefore, bytesReceived.sum() - bytesBefore, takeLatencies());
    }

    /** Returns the latencies measured since the warm-up's end or the last call. */
    Histogram takeLatencies() {
        return latencies.take();
    }

    private void watch() {
        while (!closing) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection connection : open) {
                connection.checkStall(now);
            }
        }
    }

    static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown error";
        }
        String message = cause.getMessage();
        String name = cause.getClass().getSimpleName();
        return message == null ? name : name + ": " + message;
    }

    @Override
    public void close() {
        closing = true;
        watchdog.interrupt();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        latencies.close();
    }
}
