package io.tcpecho.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.echo.EventLoops;
import io.vertx.core.Vertx;

/** echo_event_loop_delay_seconds (the meter the endpoint exports): a blocked event loop shows as a growing delay while it is blocked, and no more after. */
@QuarkusTest
class EventLoopDelayTest {

    @Inject
    Vertx vertx;

    /** Read in process: the management port's HTTP server may run on the very loop the test blocks. */
    @Inject
    MeterRegistry registry;

    @Test
    void aBlockedEventLoopGrowsTheDelayUntilItRunsAgain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // Blocking an event loop on purpose: what a bug would do.
        EventLoops.of(vertx).get(0).execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(delay()).isGreaterThanOrEqualTo(1.5));
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(delay()).isLessThan(0.5));
    }

    private double delay() {
        return registry.get("echo.event.loop.delay").gauge().value();
    }
}
