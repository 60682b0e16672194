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
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean stop;

    private ChurnWorkload(LoadRun run, int slots, int messageSize, boolean halfClose) {
        this.run = run;
        this.messageSize = messageSize;
        this.halfClose = halfClose;
        this.slotsDone = new CountDownLatch(slots);
    }

    static LoadResult run(LoadRun run, LoadResult result, int slots, int messageSize, boolean halfClose,
            long warmupNanos, long durationNanos) throws InterruptedException {
        ChurnWorkload churn = new ChurnWorkload(run, slots, messageSize, halfClose);
        for (int i = 0; i < slots; i++) {
            churn.next();
        }
        LoadRun.Window window = run.measure(warmupNanos, durationNanos);
        churn.stop = true;
        run.await(churn.slotsDone, 0);
        // Each complete connection carries one message; one that met an expected fault (--expect) carried none.
        return result.measured(run, window.elapsedNanos(), window.latencies())
                .window(window.messages(), window.bytesEchoed(), window.connections());
    }

    private void next() {
        if (stop || run.hasFailed()) {
            slotsDone.countDown();
            return;
        }
        long began = System.nanoTime();
        run.connect(() -> new Handler(ids.getAndIncrement(), began));
    }

    private final class Handler extends VerifyingHandler {
        private final long began;

        Handler(long id, long began) {
            super(ChurnWorkload.this.run, id);
            this.began = began;
        }

        @Override
        protected void active() {
            var written = send(messageSize);
            channel.flush();
            if (halfClose) {
                shutdownOutputAfter(written);
            }
        }

        @Override
        protected void receivedData() {
            if (received == messageSize && (!halfClose || eof)) {
                complete();
            }
        }

        @Override
        protected void endOfStream() {
            if (halfClose && received == messageSize) {
                complete();
            } else {
                earlyEof();
            }
        }

        private void complete() {
            run.latency.recordValue(System.nanoTime() - began);
            run.messages.increment();
            finish().addListener(closed -> next());
        }

        @Override
        protected void endedAsExpected() {
            if (channel == null) {
                next(); // reset before it was established
            } else {
                channel.closeFuture().addListener(closed -> next());
            }
        }
    }
}
