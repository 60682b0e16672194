package io.tcpecho.load;

import java.util.concurrent.CountDownLatch;

/**
 * {@code bulk}: N connections each stream S bytes full duplex (sending while the echo comes back), then
 * optionally half-close and expect the rest of the echo and the server's EOF. Throughput is the echoed bytes
 * per second from the first connect to the last connection's end; the latency is each connection's time to
 * get its whole stream back.
 */
final class BulkWorkload {

    private BulkWorkload() {
    }

    static LoadResult run(LoadRun run, LoadResult result, Shard.Connections connections, long size, int chunk,
            boolean halfClose) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(connections.count());
        long begin = System.nanoTime();
        for (int i = 0; i < connections.count(); i++) {
            run.connect(connections.id(i), new Stream(run, size, chunk, halfClose, done));
        }
        run.await(done, 0);
        long elapsed = System.nanoTime() - begin;
        return result.measured(run, begin, elapsed, run.takeLatencies());
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
