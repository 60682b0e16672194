package io.tcpecho.load;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens many connections, at most so many connecting at a time: each connect that ends, established or not, starts
 * the next, and none starts once the run has failed. The {@code i}-th connection of {@code ids} runs script {@code i}.
 */
final class GradualOpening {

    private final LoadRun run;
    private final Shard.Connections ids;
    private final List<? extends ConnectionScript> scripts;
    private final LoadRun.SocketSettings socket;
    private final AtomicInteger next = new AtomicInteger();

    private GradualOpening(LoadRun run, Shard.Connections ids, List<? extends ConnectionScript> scripts,
            LoadRun.SocketSettings socket) {
        this.run = run;
        this.ids = ids;
        this.scripts = scripts;
        this.socket = socket;
    }

    /** Starts opening a connection for each of {@code scripts}, {@code concurrency} at a time; returns at once. */
    static void open(LoadRun run, Shard.Connections ids, List<? extends ConnectionScript> scripts, int concurrency,
            LoadRun.SocketSettings socket) {
        GradualOpening opening = new GradualOpening(run, ids, scripts, socket);
        for (int i = 0; i < Math.min(concurrency, scripts.size()); i++) {
            opening.openNext();
        }
    }

    private void openNext() {
        int index = next.getAndIncrement();
        if (index < scripts.size() && !run.hasFailed()) {
            run.connect(ids.id(index), scripts.get(index), socket).addListener(connected -> openNext());
        }
    }
}
