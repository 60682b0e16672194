package io.tcpecho.dev;

import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import io.quarkus.dev.console.DevConsoleManager;
import io.quarkus.dev.spi.HotReplacementContext;

/**
 * Dev mode only: each new echo connection first asks Quarkus to scan for changed sources and
 * configuration, as an HTTP request would. When the scan restarts the application, the connection that
 * triggered it belonged to the old one and is closed; the client reconnects to the new code.
 * <p>
 * Scans run at most once every {@link #MIN_INTERVAL_MILLIS}, like Quarkus's HTTP trigger, so that a burst of
 * connections costs one scan. They run on a thread of their own: a restart stops and starts Vert.x
 * deployments, which must not wait on an event loop or on a worker pool that is being shut down.
 */
public final class DevModeReloader {

    private static final Logger LOG = Logger.getLogger(DevModeReloader.class);
    static final long MIN_INTERVAL_MILLIS = 2_000;
    private static final AtomicLong nextScan = new AtomicLong();

    private DevModeReloader() {
    }

    /** Whether live reload is available: only in {@code quarkus:dev}, where Quarkus publishes its context. */
    public static boolean enabled() {
        return DevConsoleManager.getHotReplacementContext() != null;
    }

    /**
     * Scans (unless one ran within the interval) off the event loop, then runs {@code whenCurrent} if the
     * application was not restarted, or {@code whenRestarted} if it was.
     */
    public static void scanThen(Runnable whenCurrent, Runnable whenRestarted) {
        HotReplacementContext context = DevConsoleManager.getHotReplacementContext();
        long now = System.currentTimeMillis();
        long next = nextScan.get();
        if (context == null || now < next || !nextScan.compareAndSet(next, now + MIN_INTERVAL_MILLIS)) {
            whenCurrent.run();
            return;
        }
        Thread scanner = new Thread(() -> {
            boolean restarted;
            try {
                restarted = context.doScan(true);
            } catch (Exception e) {
                LOG.errorf("Live reload failed: %s", e);
                restarted = false;
            }
            (restarted ? whenRestarted : whenCurrent).run();
        }, "echo-live-reload");
        scanner.setDaemon(true);
        scanner.start();
    }
}
