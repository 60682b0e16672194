package io.tcpecho.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.EventLoop;
import io.tcpecho.echo.EventLoopProgress;
import io.tcpecho.echo.EventLoops;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * Liveness tells a blocked event loop from a busy one, on a Vert.x of its own (no Quarkus: the check needs only the
 * loops and their progress).
 */
class EventLoopLivenessCheckTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final EventLoopProgress progress = new EventLoopProgress(EventLoops.of(vertx));
    private final EventLoopLivenessCheck check = new EventLoopLivenessCheck(progress);

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void loopsThatRunTasksAreAlive() {
        HealthCheckResponse response = check.call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("event-loops", 2L).containsEntry("stalled", 0L)
                .containsEntry("busy", 0L);
    }

    @Test
    void aBlockedLoopIsNotAlive() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // Blocking an event loop on purpose: what a bug would do.
        progress.loops().get(1).execute(() -> awaitQuietly(release));
        try {
            HealthCheckResponse response = check.call();

            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            Map<String, Object> data = response.getData().orElseThrow();
            assertThat(data).containsEntry("stalled", 1L).containsEntry("busy", 0L);
            assertThat((Long) data.get("response-ms")).isGreaterThanOrEqualTo(EventLoopLivenessCheck.MAX_DELAY.toMillis());
        } finally {
            release.countDown();
        }
    }

    /**
     * A loop that runs no task for longer than the check waits, because one pass over its connections takes that long,
     * but whose connections keep moving, is alive. The pass is played by a task that advances the loop's counter, as the
     * echo's handler does for every read and completed write (HealthEndpointsTest sees real echo move it).
     */
    @Test
    void aLoopBusyMovingItsConnectionsIsAlive() throws Exception {
        int busyLoop = 0;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch passStarted = new CountDownLatch(1);
        // What a long pass looks like from outside: the loop's task queue waits, and its counter moves meanwhile.
        EventLoop loop = (EventLoop) progress.loops().get(busyLoop);
        loop.execute(() -> {
            passStarted.countDown();
            while (!awaitQuietly(release, 5)) {
                progress.counterOf(loop).advance();
            }
        });
        try {
            assertThat(passStarted.await(10, TimeUnit.SECONDS)).isTrue();
            HealthCheckResponse response = check.call();

            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(response.getData().orElseThrow()).containsEntry("stalled", 0L).containsEntry("busy", 1L);
        } finally {
            release.countDown();
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch, long millis) {
        try {
            return latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        awaitQuietly(latch, TimeUnit.MINUTES.toMillis(1));
    }
}
