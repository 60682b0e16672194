package io.tcpecho.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

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
    record Plan(Shard.Connections connections, int concurrency, long size, int chunk, long holdNanos, int sendBuffer) {
    }

    static LoadResult run(LoadRun run, LoadResult result, Plan plan) throws InterruptedException {
        int connections = plan.connections().count();
        long holdNanos = plan.holdNanos();
        CountDownLatch opened = new CountDownLatch(connections);
        CountDownLatch done = new CountDownLatch(connections);
        List<Flooding> floods = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            floods.add(new Flooding(run, plan.size(), plan.chunk(), opened, done));
        }
        long begin = System.nanoTime();
        GradualOpening.open(run, plan.connections(), floods, plan.concurrency(),
                new LoadRun.SocketSettings(plan.sendBuffer(), CLIENT_QUEUE));
        if (!run.await(opened, 0)) {
            return result.measured(run, begin, System.nanoTime() - begin, run.takeLatencies());
        }
        System.err.printf("%s %d connections for %.1f s (opened in %.2f s, %d MiB sent so far)%n", FLOODING,
                connections, holdNanos / 1e9, (System.nanoTime() - begin) / 1e9, run.bytesSent.sum() >> 20);
        System.err.flush();
        run.sleep(holdNanos);
        long heldSent = run.bytesSent.sum();
        if (run.hasFailed()) {
            return result.measured(run, begin, System.nanoTime() - begin, run.takeLatencies());
        }
        long drainBegin = System.nanoTime();
        floods.forEach(Flooding::endHold);
        run.await(done, 0);
        return result.parameter(LoadResult.BYTES_SENT_WHILE_FLOODING, heldSent)
                .measured(run, drainBegin, System.nanoTime() - drainBegin, run.takeLatencies());
    }

    /** One flooding connection: sends without reading, then catches up with its echo, sends the rest and ends. */
    private static final class Flooding implements ConnectionScript {

        private enum Stage {
            /** Sending what the server takes, reading nothing. */
            HOLDING,
            /** After the hold, reading the echo of everything sent during it. */
            CATCHING_UP,
            /** Sending the rest, half-closing, and expecting every byte back and the server's EOF. */
            ENDING
        }

        private final LoadRun run;
        private final long size;
        private final int chunk;
        private final CountDownLatch opened;
        private final CountDownLatch done;
        private Stage stage = Stage.HOLDING;
        private Connection connection;
        private long drainBegan;

        Flooding(LoadRun run, long size, int chunk, CountDownLatch opened, CountDownLatch done) {
            this.run = run;
            this.size = size;
            this.chunk = chunk;
            this.opened = opened;
            this.done = done;
        }

        @Override
        public void active(Connection connection) {
            this.connection = connection;
            connection.holdEcho();
            opened.countDown();
            writeMore();
        }

        @Override
        public void writable(Connection connection) {
            writeMore();
        }

        private void writeMore() {
            if (connection.isOver() || stage == Stage.CATCHING_UP || connection.sent() >= size) {
                return;
            }
            while (connection.sent() < size && connection.isWritable()) {
                connection.send(Math.min(chunk, size - connection.sent()));
            }
            connection.flush();
            if (connection.sent() == size && stage == Stage.ENDING) {
                connection.halfClose();
            }
        }

        /** The hold is over, from the workload's thread once every connection is open. */
        void endHold() {
            connection.execute(this::drain);
        }

        /** Reads the echo, then sends the rest and half-closes. */
        private void drain() {
            if (connection.isOver()) {
                return;
            }
            drainBegan = System.nanoTime();
            stage = connection.received() < connection.sent() ? Stage.CATCHING_UP : Stage.ENDING;
            connection.expectEcho();
            if (stage == Stage.ENDING) {
                sendTheRest();
            }
        }

        private void sendTheRest() {
            if (connection.sent() == size) {
                connection.halfClose();
            } else {
                writeMore();
            }
        }

        @Override
        public void echoed(Connection connection) {
            if (stage == Stage.CATCHING_UP && connection.received() == connection.sent()) {
                stage = Stage.ENDING;
                sendTheRest();
            } else if (connection.received() == size && connection.hasEof()) {
                complete();
            }
        }

        @Override
        public void serverEnded(Connection connection) {
            if (connection.received() == size && connection.sent() == size) {
                complete();
            } else {
                connection.serverEndedEarly();
            }
        }

        private void complete() {
            run.latency.recordValue(System.nanoTime() - drainBegan);
            connection.finish();
            done.countDown();
        }
    }
}
