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

    static LoadResult run(LoadRun run, LoadResult result, int connections, int messageSize, long warmupNanos,
            long durationNanos) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(connections);
        CountDownLatch done = new CountDownLatch(connections);
        List<Handler> handlers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Handler handler = new Handler(run, i, messageSize, connected, done);
            handlers.add(handler);
            run.connect(() -> handler);
        }
        if (!run.await(connected, 0)) {
            return result.measured(run, 0, run.takeLatencies());
        }
        handlers.stream().filter(h -> h.channel != null).forEach(h -> h.channel.eventLoop().execute(h::next));
        LoadRun.Window window = run.measure(warmupNanos, durationNanos);
        handlers.forEach(h -> h.stop = true);
        run.await(done, 0);
        return result.measured(run, window.elapsedNanos(), window.latencies())
                .window(window.messages(), window.bytesEchoed(), 0);
    }

    private static final class Handler extends VerifyingHandler {
        private final int messageSize;
        private final CountDownLatch connected;
        private final CountDownLatch done;
        volatile boolean stop;
        private long sentAt;
        /** Counted in {@code connected}: once, whether it connected or met its expected fault first. */
        private boolean counted;

        Handler(LoadRun run, long id, int messageSize, CountDownLatch connected, CountDownLatch done) {
            super(run, id);
            this.messageSize = messageSize;
            this.connected = connected;
            this.done = done;
        }

        @Override
        protected void active() {
            counted = true;
            connected.countDown();
        }

        void next() {
            if (finished) {
                return;
            }
            if (stop) {
                shutdownOutputAfter(null);
                return;
            }
            sentAt = System.nanoTime();
            send(messageSize);
            channel.flush();
        }

        @Override
        protected void receivedData() {
            if (received == sent) {
                run.latency.recordValue(System.nanoTime() - sentAt);
                run.messages.increment();
                next();
            }
        }

        @Override
        protected void endOfStream() {
            if (outputShut && received == sent) {
                finish();
                done.countDown();
            } else {
                earlyEof();
            }
        }

        @Override
        protected void endedAsExpected() {
            if (!counted) {
                counted = true;
                connected.countDown();
            }
            done.countDown();
        }
    }
}
