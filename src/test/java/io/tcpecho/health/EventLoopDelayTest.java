package io.tcpecho.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.echo.DataPlane;
import io.tcpecho.echo.EventLoops;
import io.tcpecho.testing.Http;
import io.tcpecho.testing.Prometheus;
import io.vertx.core.Vertx;

/** echo_event_loop_delay_seconds (the meter the endpoint exports): a blocked event loop shows as a growing delay while it is blocked, and no more after. */
@QuarkusTest
class EventLoopDelayTest {

    @Inject
    @DataPlane
    Vertx dataPlane;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aBlockedEventLoopGrowsTheDelayUntilItRunsAgain() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // Blocking an event loop on purpose: what a bug would do.
        EventLoops.of(dataPlane).get(0).execute(() -> {
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

    /** Over HTTP, as a scrape reads it: the management port's loop is not among those the test blocks. */
    private double delay() throws IOException {
        return Prometheus.parse(Http.body(metrics.toString())).value("echo_event_loop_delay_seconds");
    }
}
