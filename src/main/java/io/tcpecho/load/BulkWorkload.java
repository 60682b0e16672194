package io.tcpecho.load;

import java.util.concurrent.CountDownLatch;

/**
 * {@code bulk}: N connections each stream S bytes full duplex (sending while the echo comes back), then
 * optionally half-close and expect the rest of the echo and the server's EOF. Throughput is the echoed bytes
 * per second from the first connect to the last connection's end, or with a warm-up, the bytes echoed after it
 * per second from its end to the last connection's end: a JVM client compiles its hot path in its first second or
 * so, on the same CPUs, which a short run would otherwise count. The latency is each connection's time to get its
 * whole stream back.
 */
final class BulkWorkload {

    private BulkWorkload() {
    }

    static LoadResult run(LoadRun run, LoadResult result, Shard.Connections connections, long size, int chunk,
            boolean halfClose, long warmupNanos) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(connections.count());
        long begin = System.nanoTime();
        for (int i = 0; i < connections.count(); i++) {
            run.connect(connections.id(i), new Stream(run, size, chunk, halfClose, done));
        }
        long echoedInWarmup = 0;
        if (warmupNanos > 0) {
            if (run.await(done, warmupNanos)) {
                run.fail("every stream was echoed within the warm-up, which leaves nothing to measure: stream more "
                        + "(--size) or warm up less (--warmup)");
            }
            // The measured interval begins here: the bytes echoed so far and this instant, read together.
            echoedInWarmup = run.bytesReceived.sum();
            begin = System.nanoTime();
        }
        run.await(done, 0);
        long elapsed = System.nanoTime() - begin;
        return result.measured(run, begin, elapsed, run.takeLatencies()).window(run.messages.sum(),
                run.bytesReceived.sum() - echoedInWarmup, run.connectionsDone.sum());
    }

    /** One connection's stream: as much as its queue takes at a time, in writes of {@code chunk}. */
    private static final class Stream implements ConnectionScript {
        private final LoadRun run;
        private final long size;
        private final int chunk;
        private final boolean halfClose;
        private final CountDownLatch done;
        private long began;

        Stream(LoadRun run, long size, int chunk, boolean halfClose, CountDownLatch done) {
            this.run = run;
            this.size = size;
            this.chunk = chunk;
            this.halfClose = halfClose;
            this.done = done;
        }

        @Override
        public void active(Connection connection) {
            began = System.nanoTime();
            writeMore(connection);
        }

        @Override
        public void writable(Connection connection) {
            writeMore(connection);
        }

        private void writeMore(Connection connection) {
            if (connection.isOver() || connection.sent() >= size) {
                return;
            }
            while (connection.sent() < size && connection.isWritable()) {
                connection.send(Math.min(chunk, size - connection.sent()));
            }
            // The flush may complete writes and re-enter here through writable().
            connection.flush();
            if (connection.sent() == size && halfClose) {
                connection.halfClose();
            }
        }

        @Override
        public void echoed(Connection connection) {
            if (connection.received() == size && (!halfClose || connection.hasEof())) {
                complete(connection);
            }
        }

        @Override
        public void serverEnded(Connection connection) {
            if (connection.received() == size && connection.sent() == size) {
                complete(connection);
            } else {
                connection.serverEndedEarly();
            }
        }

        private void complete(Connection connection) {
            run.latency.recordValue(System.nanoTime() - began);
            connection.finish();
            done.countDown();
        }

        @Override
        public void endedAsExpected(Connection connection) {
            done.countDown();
        }
    }
}
