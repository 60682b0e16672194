package io.tcpecho.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.tcpecho.echo.EventLoops;
import io.vertx.core.Vertx;

/**
 * Alive while every Vert.x event loop runs a task within {@link #MAX_DELAY}. An event loop that is blocked
 * stalls every connection on it; restarting the pod is the cure.
 */
@Liveness
@Singleton
public class EventLoopLivenessCheck implements HealthCheck {

    static final Duration MAX_DELAY = Duration.ofSeconds(2);

    private final Vertx vertx;

    EventLoopLivenessCheck(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public HealthCheckResponse call() {
        long start = System.nanoTime();
        List<Future<?>> pings = new ArrayList<>();
        for (EventExecutor loop : EventLoops.of(vertx)) {
            pings.add(loop.submit(() -> {
            }));
        }
        long deadline = start + MAX_DELAY.toNanos();
        int stalled = 0;
        for (Future<?> ping : pings) {
            if (!ping.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                stalled++;
            }
        }
        return HealthCheckResponse.named("event-loops")
                .status(stalled == 0)
                .withData("event-loops", pings.size())
                .withData("stalled", stalled)
                .withData("response-ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .build();
    }
}
