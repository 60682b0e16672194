package io.tcpecho.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT or SIGTERM while {@code steady} runs (a terminal user, or Kubernetes ending its Job): the run stops, reports
 * as at the end of its duration, and the JVM exits with the report's status. A shutdown hook does it: it opens
 * {@link #stopped()}, waits for {@link #reported}, then halts with that status, since a JVM that is shutting down exits
 * with the signal's status otherwise.
 */
final class StopSignal {

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch reported = new CountDownLatch(1);
    private final long reportNanos;
    private final Thread hook = new Thread(this::onSignal, "load-steady-stop");
    private volatile int status;

    /** @param reportNanos how long the run may take to close its connections and report after the signal */
    StopSignal(long reportNanos) {
        this.reportNanos = reportNanos;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Opens when a signal came. */
    CountDownLatch stopped() {
        return stopped;
    }

    /** The report is out and the command exits with {@code exitStatus}: the hook is no longer needed. */
    void reported(int exitStatus) {
        status = exitStatus;
        reported.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs, and exits with this status.
        }
    }

    private void onSignal() {
        stopped.countDown();
        try {
            if (reported.await(reportNanos, TimeUnit.NANOSECONDS)) {
                Runtime.getRuntime().halt(status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
