package io.tcpecho.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;

/**
 * {@code flood}: what a client that never reads does to a server. N connections (at most C connecting at a
 * time) each send up to S bytes as fast as the server takes them, and read nothing: a server that keeps
 * reading them must buffer their echo. After the hold, every connection behaves: it reads the echo of what it
 * sent, then sends what it had not managed to send yet while reading, half-closes and expects every byte back
 * and the server's EOF. The run fails if the server closes or resets a flooding connection, or loses or alters
 * a byte. The latency is each connection's time from the end of the hold to its EOF.
 */
final class FloodWorkload {

    /** Printed to stderr once every connection is open and sending, for scripts that watch the server meanwhile. */
    static final String FLOODING = "FLOODING";
    /** A flooding connection keeps little in the client: the point is what the server keeps. */
    private static final WriteBufferWaterMark CLIENT_QUEUE = new WriteBufferWaterMark(16 * 1024, 64 * 1024);

    private FloodWorkload() {
    }

    /**
     * What to flood with: {@code connections} in all, {@code concurrency} of them connecting at a time, each
     * sending {@code size} bytes in writes of {@code chunk}, for {@code holdNanos} without reading, through an
     * SO_SNDBUF of {@code sendBuffer} bytes (0: the kernel's).
     */
    record Plan(int connections, int concurrency, long size, int chunk, long holdNanos, int sendBuffer) {
    }

    static LoadResult run(LoadRun run, LoadResult result, Plan plan) throws InterruptedException {
        int connections = plan.connections();
        long holdNanos = plan.holdNanos();
        CountDownLatch opened = new CountDownLatch(connections);
        CountDownLatch done = new CountDownLatch(connections);
        List<Handler> handlers = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            handlers.add(new Handler(run, i, plan.size(), plan.chunk(), opened, done));
        }
        AtomicInteger nextIndex = new AtomicInteger();
        Runnable[] openNext = new Runnable[1];
        openNext[0] = () -> {
            int index = nextIndex.getAndIncrement();
            if (index < connections && !run.hasFailed()) {
                run.connect(() -> handlers.get(index), plan.sendBuffer()).addListener(f -> openNext[0].run());
            }
        };
        long begin = System.nanoTime();
        for (int i = 0; i < Math.min(plan.concurrency(), connections); i++) {
            openNext[0].run();
        }
        if (!run.await(opened, 0)) {
            return result.measured(run, System.nanoTime() - begin, run.takeLatencies());
        }
        System.err.printf("%s %d connections for %.1f s (opened in %.2f s, %d MiB sent so far)%n", FLOODING,
                connections, holdNanos / 1e9, (System.nanoTime() - begin) / 1e9, run.bytesSent.sum() >> 20);
        System.err.flush();
        run.sleep(holdNanos);
        long heldSent = run.bytesSent.sum();
        if (run.hasFailed()) {
            return result.measured(run, System.nanoTime() - begin, run.takeLatencies());
        }
        long drainBegin = System.nanoTime();
        handlers.forEach(h -> h.channel.eventLoop().execute(h::drain));
        run.await(done, 0);
        return result.parameter("bytesSentWhileFlooding", heldSent)
                .measured(run, System.nanoTime() - drainBegin, run.takeLatencies());
    }

    private static final class Handler extends VerifyingHandler {
        private final long size;
        private final int chunk;
        private final CountDownLatch opened;
        private final CountDownLatch done;
        private long drainBegan;
        private ChannelFuture lastWrite;
        /** After the hold, until the echo of everything sent during it is back. */
        private boolean catchingUp;

        Handler(LoadRun run, long id, long size, int chunk, CountDownLatch opened, CountDownLatch done) {
            super(run, id);
            this.size = size;
            this.chunk = chunk;
            this.opened = opened;
            this.done = done;
            expectingEcho = false;
        }

        @Override
        protected void active() {
            channel.config().setAutoRead(false);
            channel.config().setWriteBufferWaterMark(CLIENT_QUEUE);
            opened.countDown();
            writeMore();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (channel.isWritable()) {
                writeMore();
            }
            ctx.fireChannelWritabilityChanged();
        }

        private void writeMore() {
            if (finished || catchingUp || sent >= size) {
                return;
            }
            while (sent < size && channel.isWritable()) {
                lastWrite = send(Math.min(chunk, size - sent));
            }
            channel.flush();
            if (sent == size && expectingEcho) {
                shutdownOutputAfter(lastWrite);
            }
        }

        /** The hold is over: read the echo, then send the rest and half-close. */
        void drain() {
            if (finished) {
                return;
            }
            drainBegan = System.nanoTime();
            expectEcho();
            catchingUp = received < sent;
            channel.config().setAutoRead(true);
            if (!catchingUp) {
                sendTheRest();
            }
        }

        private void sendTheRest() {
            if (sent == size) {
                shutdownOutputAfter(lastWrite);
            } else {
                writeMore();
            }
        }

        @Override
        protected void receivedData() {
            if (catchingUp && received == sent) {
                catchingUp = false;
                sendTheRest();
            } else if (received == size && eof) {
                complete();
            }
        }

        @Override
        protected void endOfStream() {
            if (received == size && sent == size) {
                complete();
            } else {
                earlyEof();
            }
        }

        private void complete() {
            run.latency.recordValue(System.nanoTime() - drainBegan);
            finish();
            done.countDown();
        }
    }
}
