package io.tcpecho.echo;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * Client traffic and the management port run on event loops apart ({@link DataPlaneVertx}): with every data-plane loop
 * blocked, health and metrics still answer, and liveness says the data plane is stalled.
 */
@QuarkusTest
class DataPlaneTest {

    @Inject
    EchoServer server;

    @Inject
    @DataPlane
    Vertx dataPlane;

    @Inject
    Vertx quarkus;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void oneInstancePerEventLoopAndOneEventLoopPerCpuByDefault() {
        assertThat(EventLoops.of(dataPlane)).hasSize(Runtime.getRuntime().availableProcessors());
        assertThat(server.instances()).isEqualTo(EventLoops.of(dataPlane).size());
    }

    @Test
    void theManagementPortHasOneLoopOfItsOwnAndTheDataPlaneLoopsAreNamedForIt() throws Exception {
        List<EventExecutor> management = EventLoops.of(quarkus);
        assertThat(management).hasSize(1).doesNotContainAnyElementsOf(EventLoops.of(dataPlane));
        List<String> names = new ArrayList<>();
        for (EventExecutor loop : EventLoops.of(dataPlane)) {
            names.add(loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
        }
        assertThat(names).allMatch(name -> name.startsWith("echo-eventloop-thread-"), "named echo-eventloop-thread-N");
    }

    /**
     * Each loop is held by a task until the probes are answered; a task lets go by itself after 20 s, so that were the
     * management port on one of these loops, its answer would come late and say UP, and the test would fail, not hang.
     */
    @Test
    void withEveryDataPlaneLoopBlockedHealthAndMetricsStillAnswerAndLivenessSaysStalled() throws Exception {
        List<EventExecutor> loops = EventLoops.of(dataPlane);
        CountDownLatch blocked = new CountDownLatch(loops.size());
        CountDownLatch release = new CountDownLatch(1);
        for (EventExecutor loop : loops) {
            loop.execute(() -> {
                blocked.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertThat(blocked.await(10, TimeUnit.SECONDS)).as("every data-plane loop blocked").isTrue();
            given().get(live).then().statusCode(503)
                    .body("checks.find { it.name == 'event-loops' }.data.stalled", equalTo(loops.size()));
            given().get(metrics).then().statusCode(200);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(live).then().statusCode(200));
    }
}
