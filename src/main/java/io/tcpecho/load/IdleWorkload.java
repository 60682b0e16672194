package io.tcpecho.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code idle}: opens N connections (at most C connecting at a time), holds them without traffic, then checks
 * that each still echoes: it sends M bytes, expects them back, half-closes and expects the server's EOF. Any
 * connection the server closes while held fails the run. The latency is the check's round trip.
 */
final class IdleWorkload {

    /** Printed to stderr once every connection is open, for scripts that measure the server meanwhile. */
    static final String HOLDING = "HOLDING";

    private IdleWorkload() {
    }

    static LoadResult run(LoadRun run, LoadResult result, Shard.Connections ids, int concurrency, int messageSize,
            long holdNanos) throws InterruptedException {
        int connections = ids.count();
        CountDownLatch opened = new CountDownLatch(connections);
        CountDownLatch checked = new CountDownLatch(connections);
        List<HoldAndCheck> held = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            held.add(new HoldAndCheck(run, messageSize, opened, checked));
        }
        long begin = System.nanoTime();
        GradualOpening.open(run, ids, held, concurrency, LoadRun.SocketSettings.DEFAULT);
        if (!run.await(opened, 0)) {
            return result.measured(run, begin, System.nanoTime() - begin, run.takeLatencies());
        }
        long openNanos = System.nanoTime() - begin;
        System.err.printf("%s %d connections for %.1f s (opened in %.2f s)%n", HOLDING, connections, holdNanos / 1e9,
                openNanos / 1e9);
        System.err.flush();
        run.sleep(holdNanos);
        if (run.hasFailed()) {
            return result.measured(run, begin, openNanos, run.takeLatencies());
        }
        held.forEach(HoldAndCheck::startCheck);
        run.await(checked, 0);
        return result.measured(run, begin, openNanos, run.takeLatencies()).window(connections, run.bytesReceived.sum(),
                connections);
    }

    /** One connection: silent while held, then one message, the half-close and the server's EOF. */
    private static final class HoldAndCheck implements ConnectionScript {
        private final LoadRun run;
        private final int messageSize;
        private final CountDownLatch opened;
        private final CountDownLatch checked;
        private Connection connection;
        private long sentAt;

        HoldAndCheck(LoadRun run, int messageSize, CountDownLatch opened, CountDownLatch checked) {
            this.run = run;
            this.messageSize = messageSize;
            this.opened = opened;
            this.checked = checked;
        }

        @Override
        public void active(Connection connection) {
            this.connection = connection;
            opened.countDown();
        }

        /** The hold is over: checks the connection, from the workload's thread once every connection is open. */
        void startCheck() {
            connection.execute(this::check);
        }

        private void check() {
            if (connection.isOver()) {
                return;
            }
            sentAt = System.nanoTime();
            connection.send(messageSize);
            connection.flush();
            connection.halfClose();
        }

        @Override
        public void echoed(Connection connection) {
            if (connection.received() == messageSize) {
                run.latency.recordValue(System.nanoTime() - sentAt);
                run.messages.increment();
                if (connection.hasEof()) {
                    done(connection);
                }
            }
        }

        @Override
        public void serverEnded(Connection connection) {
            if (connection.received() == messageSize) {
                done(connection);
            } else {
                connection.serverEndedEarly();
            }
        }

        private void done(Connection connection) {
            connection.finish();
            checked.countDown();
        }
    }
}
