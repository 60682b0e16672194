package io.tcpecho.load;

import java.util.concurrent.CountDownLatch;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;

/**
 * {@code bulk}: N connections each stream S bytes full duplex (sending while the echo comes back), then
 * optionally half-close and expect the rest of the echo and the server's EOF. Throughput is the echoed bytes
 * per second from the first connect to the last connection's end; the latency is each connection's time to
 * get its whole stream back.
 */
final class BulkWorkload {

    private BulkWorkload() {
    }

    static LoadResult run(LoadRun run, LoadResult result, int connections, long size, int chunk, boolean halfClose)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(connections);
        long begin = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            long id = i;
            run.connect(() -> new Handler(run, id, size, chunk, halfClose, done));
        }
        run.await(done, 0);
        long elapsed = System.nanoTime() - begin;
        return result.measured(run, elapsed, run.takeLatencies());
    }

    private static final class Handler extends VerifyingHandler {
        private final long size;
        private final int chunk;
        private final boolean halfClose;
        private final CountDownLatch done;
        private long began;

        Handler(LoadRun run, long id, long size, int chunk, boolean halfClose, CountDownLatch done) {
            super(run, id);
            this.size = size;
            this.chunk = chunk;
            this.halfClose = halfClose;
            this.done = done;
        }

        @Override
        protected void active() {
            began = System.nanoTime();
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
            if (finished || sent >= size) {
                return;
            }
            ChannelFuture last = null;
            while (sent < size && channel.isWritable()) {
                last = send(Math.min(chunk, size - sent));
            }
            // The flush may complete writes and re-enter here through channelWritabilityChanged.
            channel.flush();
            if (sent == size && halfClose && !outputShut) {
                shutdownOutputAfter(last);
            }
        }

        @Override
        protected void receivedData() {
            if (received == size && (!halfClose || eof)) {
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
            run.latency.recordValue(System.nanoTime() - began);
            finish();
            done.countDown();
        }

        @Override
        protected void endedAsExpected() {
            done.countDown();
        }
    }
}
