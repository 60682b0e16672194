package io.tcpecho.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

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

    static LoadResult run(LoadRun run, LoadResult result, int connections, int concurrency, int messageSize,
            long holdNanos) throws InterruptedException {
        CountDownLatch opened = new CountDownLatch(connections);
        CountDownLatch checked = new CountDownLatch(connections);
        List<Handler> handlers = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            handlers.add(new Handler(run, i, messageSize, opened, checked));
        }
        AtomicInteger nextIndex = new AtomicInteger();
        Runnable[] openNext = new Runnable[1];
        openNext[0] = () -> {
            int index = nextIndex.getAndIncrement();
            if (index < connections && !run.hasFailed()) {
                run.connect(() -> handlers.get(index))
                        .addListener(f -> openNext[0].run());
            }
        };
        long begin = System.nanoTime();
        for (int i = 0; i < Math.min(concurrency, connections); i++) {
            openNext[0].run();
        }
        if (!run.await(opened, 0)) {
            return result.measured(run, System.nanoTime() - begin, run.takeLatencies());
        }
        long openNanos = System.nanoTime() - begin;
        System.err.printf("%s %d connections for %.1f s (opened in %.2f s)%n", HOLDING, connections, holdNanos / 1e9,
                openNanos / 1e9);
        System.err.flush();
        run.sleep(holdNanos);
        if (run.hasFailed()) {
            return result.measured(run, openNanos, run.takeLatencies());
        }
        handlers.forEach(h -> h.channel.eventLoop().execute(h::check));
        run.await(checked, 0);
        return result.measured(run, openNanos, run.takeLatencies()).window(connections, run.bytesReceived.sum(),
                connections);
    }

    private static final class Handler extends VerifyingHandler {
        private final int messageSize;
        private final CountDownLatch opened;
        private final CountDownLatch checked;
        private long sentAt;

        Handler(LoadRun run, long id, int messageSize, CountDownLatch opened, CountDownLatch checked) {
            super(run, id);
            this.messageSize = messageSize;
            this.opened = opened;
            this.checked = checked;
        }

        @Override
        protected void active() {
            opened.countDown();
        }

        void check() {
            if (finished) {
                return;
            }
            sentAt = System.nanoTime();
            var written = send(messageSize);
            channel.flush();
            shutdownOutputAfter(written);
        }

        @Override
        protected void receivedData() {
            if (received == messageSize) {
                run.latency.recordValue(System.nanoTime() - sentAt);
                run.messages.increment();
                if (eof) {
                    done();
                }
            }
        }

        @Override
        protected void endOfStream() {
            if (received == messageSize) {
                done();
            } else {
                earlyEof();
            }
        }

        private void done() {
            finish();
            checked.countDown();
        }
    }
}
