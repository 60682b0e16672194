package io.tcpecho.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pingpong}: N connections, each with one message of M bytes in flight: send it, wait until all of it
 * is echoed, send the next. After the warm-up, messages per second and the round-trip latency are measured for
 * the duration; then every connection half-closes and expects the server's EOF.
 */
final class PingPongWorkload {

    private PingPongWorkload() {
    }

    static LoadResult run(LoadRun run, LoadResult result, Shard.Connections connections, int messageSize,
            long warmupNanos, long durationNanos) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(connections.count());
        CountDownLatch done = new CountDownLatch(connections.count());
        List<Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < connections.count(); i++) {
            Exchange exchange = new Exchange(run, messageSize, connected, done);
            exchanges.add(exchange);
            run.connect(connections.id(i), exchange);
        }
        if (!run.await(connected, 0)) {
            return result.measured(run, System.nanoTime(), 0, run.takeLatencies());
        }
        run.latencies.warmingUp();
        exchanges.forEach(Exchange::start);
        LoadRun.Window window = run.measure(warmupNanos, durationNanos);
        exchanges.forEach(e -> e.stop = true);
        run.await(done, 0);
        return result.measured(run, window.beginNanos(), window.elapsedNanos(), window.latencies())
                .window(window.messages(), window.bytesEchoed(), 0);
    }

    /** One connection's messages, one at a time, until told to stop. */
    private static final class Exchange implements ConnectionScript {
        private final LoadRun run;
        private final int messageSize;
        private final CountDownLatch connected;
        private final CountDownLatch done;
        volatile boolean stop;
        /** Null until it is established: one that met its expected fault first never is. */
        private Connection connection;
        private long sentAt;
        /** Counted in {@code connected}: once, whether it connected or met its expected fault first. */
        private boolean counted;

        Exchange(LoadRun run, int messageSize, CountDownLatch connected, CountDownLatch done) {
            this.run = run;
            this.messageSize = messageSize;
            this.connected = connected;
            this.done = done;
        }

        @Override
        public void active(Connection connection) {
            this.connection = connection;
            counted = true;
            connected.countDown();
        }

        /** Sends the first message, from the workload's thread, once every connection is counted in. */
        void start() {
            if (connection != null) {
                connection.execute(this::next);
            }
        }

        private void next() {
            if (connection.isOver()) {
                return;
            }
            if (stop) {
                connection.halfClose();
                return;
            }
            sentAt = System.nanoTime();
            connection.send(messageSize);
            connection.flush();
        }

        @Override
        public void echoed(Connection connection) {
            if (connection.received() == connection.sent()) {
                run.latency.recordValue(System.nanoTime() - sentAt);
                run.messages.increment();
                next();
            }
        }

        @Override
        public void serverEnded(Connection connection) {
            if (connection.hasHalfClosed() && connection.received() == connection.sent()) {
                connection.finish();
                done.countDown();
            } else {
                connection.serverEndedEarly();
            }
        }

        @Override
        public void endedAsExpected(Connection connection) {
            if (!counted) {
                counted = true;
                connected.countDown();
            }
            done.countDown();
        }
    }
}
