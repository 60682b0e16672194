package io.tcpecho.load;

import java.util.Locale;

/** Prints one line per interval to stderr while a run is in progress. */
final class Progress {

    private final LoadRun run;
    private final String workload;
    private final long intervalNanos;
    private Thread thread;

    Progress(LoadRun run, String workload, long intervalNanos) {
        this.run = run;
        this.workload = workload;
        this.intervalNanos = intervalNanos;
    }

    void start() {
        if (intervalNanos <= 0) {
            return;
        }
        thread = new Thread(this::loop, "load-progress");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void loop() {
        long begin = System.nanoTime();
        long last = begin;
        long bytes = 0;
        long messages = 0;
        long connections = 0;
        try {
            while (true) {
                Thread.sleep(Math.max(1, intervalNanos / 1_000_000));
                long now = System.nanoTime();
                double seconds = (now - last) / 1e9;
                long b = run.bytesReceived.sum();
                long m = run.messages.sum();
                long c = run.connectionsDone.sum();
                System.err.printf(Locale.ROOT, "[%6.1fs] %s: %.1f MiB/s echoed, %.0f msgs/s, %.1f conns/s, %d open, %d errors%n",
                        (now - begin) / 1e9, workload, (b - bytes) / 1048576.0 / seconds, (m - messages) / seconds,
                        (c - connections) / seconds, run.openConnections(), run.errors.sum());
                last = now;
                bytes = b;
                messages = m;
                connections = c;
            }
        } catch (InterruptedException e) {
            // run over
        }
    }
}
