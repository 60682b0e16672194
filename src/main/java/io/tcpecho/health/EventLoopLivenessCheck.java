package io.tcpecho.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.netty.util.concurrent.Future;
import io.tcpecho.echo.EventLoopProgress;

/**
 * Alive while no data-plane event loop ({@code DataPlaneVertx}) is blocked: within {@link #MAX_DELAY} each loop either runs a task or moves its
 * connections on (reads, or writes that complete). A blocked loop stalls every connection on it, and restarting the pod
 * is the cure. A loop that is merely busy is not blocked: under a flood of thousands of connections one pass of a loop
 * over those that are ready can take seconds before its tasks run, and restarting an overloaded pod would only move its
 * load onto the others (overload is readiness's business, see {@code echo-listener}). How long tasks wait is the
 * {@code echo_event_loop_delay_seconds} gauge.
 */
@Liveness
@Singleton
public class EventLoopLivenessCheck implements HealthCheck {

    static final Duration MAX_DELAY = Duration.ofSeconds(2);
    /** How often progress is looked at while a loop has not run its task: a busy loop is known this soon. */
    private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final EventLoopProgress progress;

    EventLoopLivenessCheck(EventLoopProgress progress) {
        this.progress = progress;
    }

    @Override
    public HealthCheckResponse call() {
        long start = System.nanoTime();
        int loops = progress.loops().size();
        long[] countsBefore = new long[loops];
        List<Future<?>> pings = new ArrayList<>(loops);
        for (int i = 0; i < loops; i++) {
            countsBefore[i] = progress.count(i);
            pings.add(progress.loops().get(i).submit(() -> {
            }));
        }
        long deadline = start + MAX_DELAY.toNanos();
        boolean[] alive = new boolean[loops];
        int unknown = loops;
        int busy = 0;
        while (true) {
            Future<?> waitingFor = null;
            for (int i = 0; i < loops; i++) {
                if (alive[i]) {
                    continue;
                }
                if (pings.get(i).isDone()) {
                    alive[i] = true;
                    unknown--;
                } else if (progress.count(i) != countsBefore[i]) {
                    alive[i] = true;
                    unknown--;
                    busy++;
                } else if (waitingFor == null) {
                    waitingFor = pings.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (unknown == 0 || left <= 0) {
                break;
            }
            waitingFor.awaitUninterruptibly(Math.min(left, LOOK_NANOS), TimeUnit.NANOSECONDS);
        }
        return HealthCheckResponse.named("event-loops")
                .status(unknown == 0)
                .withData("event-loops", loops)
                .withData("stalled", unknown)
                .withData("busy", busy)
                .withData("response-ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .build();
    }
}
