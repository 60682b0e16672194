package io.tcpecho.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.net.URL;
import java.time.Duration;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.echo.EventLoopProgress;
import io.tcpecho.testing.EchoClient;

/** The probes Kubernetes uses, over real HTTP on the management port (its URLs start at its root path, /q). */
@QuarkusTest
class HealthEndpointsTest {

    @Inject
    EchoServer server;

    @Inject
    EventLoopProgress progress;

    @TestHTTPResource(value = "/health/live", management = true)
    URL live;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/health/started", management = true)
    URL started;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void livenessReportsEveryEventLoopResponsive() {
        given().get(live).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'event-loops' }.data.stalled", equalTo(0))
                .body("checks.find { it.name == 'event-loops' }.data.busy", equalTo(0));
    }

    /** What liveness reads to tell a busy event loop from a blocked one: echo moves its loop's progress. */
    @Test
    void echoMovesItsEventLoopsProgress() throws Exception {
        long before = totalProgress();
        byte[] message = EchoClient.randomBytes(1000, 7);
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(message);
            assertThat(client.read(message.length)).isEqualTo(message);
        }
        // The read and the completed write of its echo (whose completion may follow the client's read of it), at least;
        // other tests' connections may add more.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(totalProgress() - before).isGreaterThanOrEqualTo(2));
    }

    private long totalProgress() {
        return IntStream.range(0, progress.loops().size()).mapToLong(progress::count).sum();
    }

    @Test
    void readinessReportsTheBoundListener() {
        given().get(ready).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'echo-listener' }.data.port", equalTo(server.port()))
                .body("checks.find { it.name == 'echo-listener' }.data.instances", equalTo(server.instances()));
    }

    @Test
    void startedOnceTheListenerIsBound() {
        given().get(started).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("echo-started"));
    }

    @Test
    void prometheusMetricsAreOnTheManagementPort() {
        given().get(metrics).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("echo_connections_active"))
                .body(org.hamcrest.Matchers.containsString("echo_connections_closed_total{reason=\"over_limit\"}"));
    }
}
