package io.tcpecho.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code churn}: N parallel slots, each in a loop: connect, send M bytes, half-close (unless disabled), read
 * the M bytes back and the server's EOF, close, repeat. After the warm-up, connections per second and each
 * connection's latency (connect to end) are measured for the duration.
 */
final class ChurnWorkload {

    private final LoadRun run;
    private final int messageSize;
    private final boolean halfClose;
    private final CountDownLatch slotsDone;
    private final Shard shard;
    /** How many connections this shard has opened: the next one's id is the shard's {@code opened}-th. */
    private final AtomicLong opened = new AtomicLong();
    private volatile boolean stop;

    private ChurnWorkload(LoadRun run, Shard shard, int slots, int messageSize, boolean halfClose) {
        this.run = run;
        this.shard = shard;
        this.messageSize = messageSize;
        this.halfClose = halfClose;
        this.slotsDone = new CountDownLatch(slots);
    }

    /**
     * Runs this shard's {@code slots} slots. Its connections are numbered as they open with the ids
     * {@link Shard#interleavedId} gives: no shard knows how many connections the others opened, so each takes every
     * N-th id.
     */
    static LoadResult run(LoadRun run, LoadResult result, Shard shard, int slots, int messageSize, boolean halfClose,
            long warmupNanos, long durationNanos) throws InterruptedException {
        ChurnWorkload churn = new ChurnWorkload(run, shard, slots, messageSize, halfClose);
        run.latencies.warmingUp();
        for (int i = 0; i < slots; i++) {
            churn.next();
        }
        LoadRun.Window window = run.measure(warmupNanos, durationNanos);
        churn.stop = true;
        run.await(churn.slotsDone, 0);
        // Each complete connection carries one message; one that met an expected fault (--expect) carried none.
        return result.measured(run, window.beginNanos(), window.elapsedNanos(), window.latencies())
                .window(window.messages(), window.bytesEchoed(), window.connections());
    }

    /** The slot's next connection, or the slot's end once the run stops or fails. */
    private void next() {
        if (stop || run.hasFailed()) {
            slotsDone.countDown();
            return;
        }
        run.connect(shard.interleavedId(opened.getAndIncrement()), new OneMessage(System.nanoTime()));
    }

    /** One connection of a slot: one message and its echo, then the slot's next connection. */
    private final class OneMessage implements ConnectionScript {
        private final long began;

        OneMessage(long began) {
            this.began = began;
        }

        @Override
        public void active(Connection connection) {
            connection.send(messageSize);
            connection.flush();
            if (halfClose) {
                connection.halfClose();
            }
        }

        @Override
        public void echoed(Connection connection) {
            if (connection.received() == messageSize && (!halfClose || connection.hasEof())) {
                complete(connection);
            }
        }

        @Override
        public void serverEnded(Connection connection) {
            if (halfClose && connection.received() == messageSize) {
                complete(connection);
            } else {
                connection.serverEndedEarly();
            }
        }

        private void complete(Connection connection) {
            run.latency.recordValue(System.nanoTime() - began);
            run.messages.increment();
            connection.finish();
            connection.whenClosed(ChurnWorkload.this::next);
        }

        @Override
        public void endedAsExpected(Connection connection) {
            connection.whenClosed(ChurnWorkload.this::next);
        }
    }
}
