package io.tcpecho.load;

import java.util.Locale;
import java.util.function.Supplier;

/** Prints one line per interval to stderr while a run is in progress: the time, the workload, and what it says. */
final class Progress {

    private final String workload;
    private final long intervalNanos;
    private final Supplier<String> line;
    private Thread thread;

    /** @param line what the workload says, asked once per interval on the progress thread */
    Progress(String workload, long intervalNanos, Supplier<String> line) {
        this.workload = workload;
        this.intervalNanos = intervalNanos;
        this.line = line;
    }

    /** The rates of the last interval: MiB/s echoed, messages/s and connections/s, open connections and errors. */
    static Progress rates(LoadRun run, String workload, long intervalNanos) {
        return new Progress(workload, intervalNanos, new Supplier<>() {
            private long last = System.nanoTime();
            private long bytes;
            private long messages;
            private long connections;

            @Override
            public String get() {
                long now = System.nanoTime();
                double seconds = (now - last) / 1e9;
                long b = run.bytesReceived.sum();
                long m = run.messages.sum();
                long c = run.connectionsDone.sum();
                String rates = String.format(Locale.ROOT, "%.1f MiB/s echoed, %.0f msgs/s, %.1f conns/s, %d open, %d errors",
                        (b - bytes) / 1048576.0 / seconds, (m - messages) / seconds, (c - connections) / seconds,
                        run.openConnections(), run.errors.sum());
                last = now;
                bytes = b;
                messages = m;
                connections = c;
                return rates;
            }
        });
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
        try {
            while (true) {
                Thread.sleep(Math.max(1, intervalNanos / 1_000_000));
                String said = line.get();
                System.err.printf(Locale.ROOT, "[%6.1fs] %s: %s%n", (System.nanoTime() - begin) / 1e9, workload, said);
            }
        } catch (InterruptedException e) {
            // run over
        }
    }
}
