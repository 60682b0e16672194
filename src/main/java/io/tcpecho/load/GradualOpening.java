package io.tcpecho.load;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens many connections, at most so many connecting at a time: each connect that ends, established or not, starts
 * the next, and none starts once the run has failed. Connection {@code i} runs script {@code i}.
 */
final class GradualOpening {

    private final LoadRun run;
    private final List<? extends ConnectionScript> scripts;
    private final LoadRun.SocketSettings socket;
    private final AtomicInteger next = new AtomicInteger();

    private GradualOpening(LoadRun run, List<? extends ConnectionScript> scripts, LoadRun.SocketSettings socket) {
        this.run = run;
        this.scripts = scripts;
        this.socket = socket;
    }

    /** Starts opening a connection for each of {@code scripts}, {@code concurrency} at a time; returns at once. */
    static void open(LoadRun run, List<? extends ConnectionScript> scripts, int concurrency,
            LoadRun.SocketSettings socket) {
        GradualOpening opening = new GradualOpening(run, scripts, socket);
        for (int i = 0; i < Math.min(concurrency, scripts.size()); i++) {
            opening.openNext();
        }
    }

    private void openNext() {
        int index = next.getAndIncrement();
        if (index < scripts.size() && !run.hasFailed()) {
            run.connect(index, scripts.get(index), socket).addListener(connected -> openNext());
        }
    }
}
