package io.tcpecho.health;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tcpecho.echo.DataPlane;
import io.tcpecho.echo.EventLoops;
import io.vertx.core.Vertx;

/**
 * How long the slowest data-plane event loop ({@code DataPlaneVertx}) takes to run a task, probed every second from a thread of its own:
 * {@code echo_event_loop_delay_seconds}. A loop still busy with the last probe counts as delayed since that probe was
 * sent, so a blocked loop shows as a growing delay, not as a gap in the series, well before liveness fails at 2 s.
 */
@Singleton
public class EventLoopDelay {

    private static final long PERIOD_MILLIS = 1_000;

    private final List<EventExecutor> loops;
    private final MeterRegistry registry;
    /** Per loop: when the probe now waiting was sent (0: none waits), and the delay of the last one that ran. */
    private final AtomicLongArray sentAt;
    private final AtomicLongArray delay;
    private ScheduledExecutorService prober;

    EventLoopDelay(@DataPlane Vertx vertx, MeterRegistry registry) {
        this.loops = EventLoops.of(vertx);
        this.registry = registry;
        this.sentAt = new AtomicLongArray(loops.size());
        this.delay = new AtomicLongArray(loops.size());
    }

    void start(@Observes StartupEvent startup) {
        Gauge.builder("echo.event.loop.delay", this, EventLoopDelay::seconds).baseUnit("seconds")
                .description("How long the slowest event loop took to run a task at the last probe (every second); "
                        + "a blocked loop grows it")
                .register(registry);
        prober = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "echo-event-loop-probe");
            thread.setDaemon(true);
            return thread;
        });
        prober.scheduleAtFixedRate(this::probe, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (prober != null) {
            prober.shutdownNow();
        }
    }

    private void probe() {
        for (int i = 0; i < loops.size(); i++) {
            long now = System.nanoTime();
            if (sentAt.compareAndSet(i, 0, now)) {
                int loop = i;
                try {
                    loops.get(i).execute(() -> {
                        delay.set(loop, System.nanoTime() - now);
                        sentAt.set(loop, 0);
                    });
                } catch (RejectedExecutionException stopping) {
                    return; // Vert.x is closing
                }
            }
        }
    }

    double seconds() {
        long now = System.nanoTime();
        long worst = 0;
        for (int i = 0; i < loops.size(); i++) {
            long sent = sentAt.get(i);
            worst = Math.max(worst, sent != 0 ? now - sent : delay.get(i));
        }
        return worst / 1e9;
    }
}
